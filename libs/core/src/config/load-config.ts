import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeConfigBytes, describeFileType } from './config-bytes';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../errors/errors';
import { ConfigError } from '../errors/errors';
import { resolveTopology } from '../topology/resolve-topology';
import type { Topology } from '../topology/topology';
import { applyEnvOverrides } from './env-overrides';
import { formatIssuePath } from './issue-path';
import { configSchema, type Config } from './schema';

/** Aliases a document may expand; a handful is normal YAML, thousands is an attack. */
export const MAX_ALIAS_COUNT = 100;
/** A configuration is a few kilobytes; anything this large is a wrong path. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

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
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // yaml throws (with a stack) on alias expansion beyond maxAliasCount: a "billion laughs".
    throw new ConfigError(
      [{ path: '(yaml)', message: `aliases expand too far (${(cause as Error).message})` }],
      options.sourceName,
    );
  }
  // An empty document (empty file, `---`) is an empty mapping; resolveTopology refuses it.
  raw ??= {};
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

/**
 * Reads and loads a configuration file. Refuses what is not a regular file (a FIFO or a device
 * would block or never end) and text that is not UTF-8, naming the encoding it found.
 */
export async function loadConfigFile(
  path: string,
  options: Omit<LoadConfigOptions, 'sourceName'> = {},
): Promise<LoadedConfig> {
  return loadConfigText(await readConfigText(path), { ...options, sourceName: path });
}

async function readConfigText(path: string): Promise<string> {
  const refuse = (message: string): never => {
    throw new ConfigError([{ path: '', message }], path);
  };
  let bytes: Buffer | undefined;
  let problem: string | undefined;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = await file.stat();
      if (!stats.isFile()) problem = `is ${describeFileType(stats)}, not a regular file`;
      else if (stats.size > MAX_CONFIG_BYTES)
        problem = `is ${stats.size} bytes; a configuration file has at most ${MAX_CONFIG_BYTES}`;
      else bytes = await file.readFile();
    } finally {
      await file.close();
    }
  } catch (cause) {
    refuse(`cannot read ${path}: ${(cause as Error).message}`);
  }
  if (!bytes) return refuse(`${path} ${problem ?? 'cannot be read'}`);
  const decoded = decodeConfigBytes(bytes);
  return 'text' in decoded ? decoded.text : refuse(decoded.problem);
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
