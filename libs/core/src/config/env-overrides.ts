import { parse as parseYamlScalar } from 'yaml';
import { z } from 'zod';
import { configSchema } from './schema';

/** `AKV_REPLICATOR__REPLICATION__DRYRUN=true` sets `replication.dryRun`. */
export const ENV_PREFIX = 'AKV_REPLICATOR__';

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
};

let schemaTree: JsonSchemaNode | undefined;
function tree(): JsonSchemaNode {
  schemaTree ??= z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchemaNode;
  return schemaTree;
}

/** Finds the schema's spelling of a key (env names are upper case; config keys camelCase). */
function childKey(
  node: JsonSchemaNode | undefined,
  existing: unknown,
  segment: string,
): { key: string | number; node: JsonSchemaNode | undefined } {
  if (Array.isArray(existing) || node?.items) {
    const index = Number(segment);
    if (Number.isInteger(index) && index >= 0) return { key: index, node: node?.items };
  }
  const candidates = [node, ...(node?.anyOf ?? []), ...(node?.oneOf ?? [])];
  for (const candidate of candidates) {
    for (const [name, child] of Object.entries(candidate?.properties ?? {})) {
      if (name.toLowerCase() === segment.toLowerCase()) return { key: name, node: child };
    }
  }
  if (existing && typeof existing === 'object') {
    const match = Object.keys(existing).find((k) => k.toLowerCase() === segment.toLowerCase());
    if (match)
      return {
        key: match,
        node:
          typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined,
      };
  }
  return {
    key: segment.toLowerCase(),
    node: typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined,
  };
}

/**
 * Applies environment overrides to a parsed document (before validation, so overridden values
 * are checked like any other). Values are read as YAML scalars: `true`, `42`, `[a, b]`.
 * Returns the paths it set, for a start-up log line (names only, never values).
 */
export function applyEnvOverrides(
  document: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const applied: string[] = [];
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (segments.length === 0) continue;
    let target: Record<string | number, unknown> = document;
    let node: JsonSchemaNode | undefined = tree();
    const path: (string | number)[] = [];
    segments.forEach((segment, i) => {
      const { key, node: child } = childKey(node, target, segment);
      path.push(key);
      if (i === segments.length - 1) {
        target[key] = parseYamlScalar(raw) as unknown;
        return;
      }
      const next = target[key];
      const nextIsIndex = /^\d+$/.test(segments[i + 1] ?? '');
      if (next === null || typeof next !== 'object') target[key] = nextIsIndex ? [] : {};
      target = target[key] as Record<string | number, unknown>;
      node = child;
    });
    applied.push(
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '['),
    );
  }
  return applied;
}
