import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../errors/errors';
import { ConfigError } from '../errors/errors';
import { resolveTopology } from '../topology/resolve-topology';
import type { Topology } from '../topology/topology';
import { applyEnvOverrides } from './env-overrides';
import { formatIssuePath } from './issue-path';
import { configSchema, type Config } from './schema';

export interface LoadedConfig {
  readonly config: Config;
  readonly topology: Topology;
  /** Key paths set from environment variables. */
  readonly overridden: readonly string[];
}

export interface LoadConfigOptions {
  /** Environment for `AKV_REPLICATOR__*` overrides; pass `{}` to ignore the environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Name of the document in error messages, e.g. the file path. */
  sourceName?: string;
}

/**
 * Parses, overrides from the environment, validates and resolves one configuration document.
 * Throws ConfigError listing every problem with its key path and, where known, its line.
 */
export function loadConfigText(text: string, options: LoadConfigOptions = {}): LoadedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        path: '(yaml)',
        message: `${error.message.split('\n')[0]} (line ${lineCounter.linePos(error.pos[0]).line})`,
      })),
      options.sourceName,
    );
  }
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      [{ path: '', message: 'the document must be a mapping of keys to values' }],
      options.sourceName,
    );
  }
  const overridden = applyEnvOverrides(raw as Record<string, unknown>, options.env ?? {});

  const lineOf = (path: readonly PropertyKey[]): string => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true) as
        { range?: [number, number, number] } | undefined;
      if (node?.range) return ` (line ${lineCounter.linePos(node.range[0]).line})`;
    }
    return '';
  };

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.flatMap((issue) => {
      // Unknown keys are reported on their parent; point at each key instead.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          path: formatIssuePath([...issue.path, key]),
          message: `unknown key${lineOf([...issue.path, key])}`,
        }));
      }
      return [
        { path: formatIssuePath(issue.path), message: `${issue.message}${lineOf(issue.path)}` },
      ];
    });
    throw new ConfigError(issues, options.sourceName);
  }
  const { topology, issues } = resolveTopology(parsed.data);
  if (issues.length > 0) {
    throw new ConfigError(
      issues.map((issue) => ({
        ...issue,
        message: `${issue.message}${lineOf(pathSegments(issue.path))}`,
      })),
      options.sourceName,
    );
  }
  return { config: deepFreeze(parsed.data), topology: deepFreeze(topology), overridden };
}

export async function loadConfigFile(
  path: string,
  options: Omit<LoadConfigOptions, 'sourceName'> = {},
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      [{ path: '', message: `cannot read ${path}: ${(cause as Error).message}` }],
      path,
    );
  }
  return loadConfigText(text, { ...options, sourceName: path });
}

/** `links[0].replicas[1].vault` → `['links', 0, 'replicas', 1, 'vault']`. */
function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
