import { readFileSync } from 'node:fs';

export interface BicepFile {
  readonly targetScope: string;
  /** Declared parameters: name → has a default value. */
  readonly params: ReadonlyMap<string, { type: string; hasDefault: boolean }>;
  /** Declared resources: symbol → type and API version. */
  readonly resources: ReadonlyMap<string, { type: string; apiVersion: string; body: string }>;
  /** Declared modules: symbol → relative path. */
  readonly modules: ReadonlyMap<string, { path: string; body: string }>;
  /** The text without comments (for property checks). */
  readonly code: string;
}

/**
 * The declarations of a Bicep file, read structurally (no Bicep CLI on our machines): the top-level
 * `param`, `resource` and `module` statements and each one's body up to its closing brace or bracket.
 */
export function readBicep(url: URL): BicepFile {
  const code = readFileSync(url, 'utf8')
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
    .join('\n');
  const params = new Map<string, { type: string; hasDefault: boolean }>();
  for (const match of code.matchAll(/^param (\w+) (\w+)( =)?/gm))
    params.set(match[1]!, { type: match[2]!, hasDefault: match[3] !== undefined });
  const resources = new Map<string, { type: string; apiVersion: string; body: string }>();
  for (const match of code.matchAll(/^resource (\w+) '([^'@]+)@([^']+)'/gm))
    resources.set(match[1]!, {
      type: match[2]!,
      apiVersion: match[3]!,
      body: bodyAt(code, match.index),
    });
  const modules = new Map<string, { path: string; body: string }>();
  for (const match of code.matchAll(/^module (\w+) '([^']+)'/gm))
    modules.set(match[1]!, { path: match[2]!, body: bodyAt(code, match.index) });
  const targetScope = /^targetScope = '(\w+)'/m.exec(code)?.[1] ?? 'resourceGroup';
  return { targetScope, params, resources, modules, code };
}

/** The statement starting at `start`, through the bracket that closes its first `{` or `[`. */
function bodyAt(code: string, start: number): string {
  const open = code.slice(start).search(/= (\[|\{|if)/);
  let depth = 0;
  for (let i = start + open; i < code.length; i++) {
    const char = code[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return code.slice(start, i + 1);
    }
  }
  throw new Error(`unbalanced statement at ${start}`);
}
