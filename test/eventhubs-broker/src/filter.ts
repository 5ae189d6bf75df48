/**
 * The `apache.org:selector-filter:string` expressions `@azure/event-hubs` puts on a receiver's
 * source to say where reading starts (copied from the SDK's eventPosition.ts):
 *   amqp.annotation.x-opt-offset > '-1'          (earliest; '@latest' = only new events)
 *   amqp.annotation.x-opt-offset >= '1234'
 *   amqp.annotation.x-opt-sequence-number > '41'
 *   amqp.annotation.x-opt-enqueued-time > '1700000000000'   (ms since the epoch)
 * Anything else is refused with a FilterSyntaxError instead of being read as "from the start".
 */

export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; value: number; inclusive: boolean }
  | { kind: 'sequence'; value: number; inclusive: boolean }
  | { kind: 'enqueued'; value: number };

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  /** Event Hubs answers malformed positions with an argument error. */
  readonly condition = 'com.microsoft:argument-error';
}

const EXPRESSION =
  /^\s*amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/i;
const INTEGER = /^-?\d+$/;

export function parseSelector(filter: string): StartPosition {
  const match = EXPRESSION.exec(filter);
  if (!match) {
    throw new FilterSyntaxError(
      `Unsupported selector filter "${filter}": expected amqp.annotation.x-opt-offset, ` +
        `x-opt-sequence-number or x-opt-enqueued-time compared with > or >= to a quoted value.`,
    );
  }
  const [, annotation, operator, raw] = match as unknown as [string, string, string, string];
  const inclusive = operator === '>=';
  const name = annotation.toLowerCase();
  if (name === 'x-opt-offset') {
    if (raw === '@latest') return { kind: 'latest' };
    if (raw === '-1') return { kind: 'earliest' };
    return { kind: 'offset', value: integer(raw, 'offset', 0), inclusive };
  }
  if (name === 'x-opt-sequence-number') {
    const value = integer(raw, 'sequence number', -1);
    return { kind: 'sequence', value, inclusive };
  }
  return { kind: 'enqueued', value: integer(raw, 'enqueued time', Number.MIN_SAFE_INTEGER) };
}

function integer(raw: string, what: string, min: number): number {
  const value = INTEGER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FilterSyntaxError(`The ${what} '${raw}' in the selector filter is not valid.`);
  }
  return value;
}
