/**
 * A small evaluator for the Service Bus SQL filter subset our topologies use:
 * `=`, `<>`/`!=`, `<`, `<=`, `>`, `>=`, `[NOT] IN (...)`, `[NOT] LIKE`, `IS [NOT] NULL`,
 * `EXISTS(name)`, `AND`, `OR`, `NOT`, parentheses, `TRUE`/`FALSE`, and `1=1`-style literals.
 * Identifiers are application properties (optionally prefixed `user.`) or system properties
 * (`sys.Label`, `sys.MessageId`, ...). Unknown syntax is rejected at parse time so a typo in a
 * Config.json rule fails the broker start instead of silently matching nothing.
 */

/** A message as filters see it: application and system properties. */
export interface FilterableMessage {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly system: Readonly<Record<string, unknown>>;
}

type Value = string | number | boolean | null | undefined;
type Node = (m: FilterableMessage) => Value;

/** Thrown for a filter expression outside the supported subset. */
export class SqlFilterSyntaxError extends Error {
  override readonly name = 'SqlFilterSyntaxError';
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`invalid SQL filter "${expression}": ${reason}`);
  }
}

const TOKEN =
  /\s*(?:('(?:[^']|'')*')|(\[[^\]]+\]|[A-Za-z_][\w.]*)|(\d+(?:\.\d+)?)|(<>|!=|<=|>=|[=<>(),]))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw new SqlFilterSyntaxError(expression, `unexpected input at ${start}`);
    tokens.push((match[1] ?? match[2] ?? match[3] ?? match[4]) as string);
  }
  return tokens;
}

function lookup(name: string, m: FilterableMessage): Value {
  const bare = name.replace(/^\[|\]$/g, '');
  const lower = bare.toLowerCase();
  if (lower.startsWith('sys.')) return m.system[lower.slice(4)] as Value;
  const key = lower.startsWith('user.') ? bare.slice(5) : bare;
  return m.properties[key] as Value;
}

function like(value: string, pattern: string): boolean {
  const source = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  switch (op) {
    case '=':
      return a === b;
    case '<>':
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Parses an expression once; the returned predicate is cheap to run per message. */
export function compileSqlFilter(expression: string): (m: FilterableMessage) => boolean {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const isWord = (word: string): boolean => peek()?.toUpperCase() === word;
  const fail = (reason: string): never => {
    throw new SqlFilterSyntaxError(expression, reason);
  };
  const expect = (token: string): void => {
    if (peek()?.toUpperCase() !== token) fail(`expected "${token}" at token ${pos}`);
    pos++;
  };

  const operand = (): Node => {
    const token = peek();
    if (token === undefined) return fail('unexpected end');
    pos++;
    if (token.startsWith("'")) {
      const text = token.slice(1, -1).replace(/''/g, "'");
      return () => text;
    }
    if (/^\d/.test(token)) {
      const number = Number(token);
      return () => number;
    }
    const upper = token.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return () => upper === 'TRUE';
    if (upper === 'NULL') return () => null;
    if (token === '(') {
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (/^[\w[]/.test(token)) return (m) => lookup(token, m);
    return fail(`unexpected "${token}"`);
  };

  const predicate = (): Node => {
    if (isWord('EXISTS')) {
      pos++;
      expect('(');
      const name = peek() ?? fail('EXISTS needs a property name');
      pos++;
      expect(')');
      return (m) => lookup(name, m) !== undefined;
    }
    const left = operand();
    const negate = isWord('NOT');
    if (negate) pos++;
    if (isWord('IN')) {
      pos++;
      expect('(');
      const items: Node[] = [operand()];
      while (peek() === ',') {
        pos++;
        items.push(operand());
      }
      expect(')');
      return (m) => {
        const value = left(m);
        const found =
          value !== undefined && value !== null && items.some((item) => item(m) === value);
        return negate ? !found : found;
      };
    }
    if (isWord('LIKE')) {
      pos++;
      const pattern = operand();
      return (m) => {
        const value = left(m);
        const pat = pattern(m);
        if (typeof value !== 'string' || typeof pat !== 'string') return false;
        return like(value, pat) !== negate;
      };
    }
    if (negate) fail('NOT must be followed by IN or LIKE here');
    if (isWord('IS')) {
      pos++;
      const not = isWord('NOT');
      if (not) pos++;
      expect('NULL');
      return (m) => {
        const value = left(m);
        return (value === null || value === undefined) !== not;
      };
    }
    const op = peek();
    if (op && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(op)) {
      pos++;
      const right = operand();
      return (m) => compare(op, left(m), right(m));
    }
    return left;
  };

  const notExpr = (): Node => {
    if (isWord('NOT')) {
      pos++;
      const inner = notExpr();
      return (m) => !inner(m);
    }
    return predicate();
  };
  const andExpr = (): Node => {
    let node = notExpr();
    while (isWord('AND')) {
      pos++;
      const left = node;
      const right = notExpr();
      node = (m) => Boolean(left(m)) && Boolean(right(m));
    }
    return node;
  };
  function orExpr(): Node {
    let node = andExpr();
    while (isWord('OR')) {
      pos++;
      const left = node;
      const right = andExpr();
      node = (m) => Boolean(left(m)) || Boolean(right(m));
    }
    return node;
  }

  const root = orExpr();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return (m) => root(m) === true;
}
