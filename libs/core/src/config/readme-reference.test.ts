import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema } from './schema';

type SchemaNode = {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
};

/** Every key down to `depth` levels, as dotted paths (array items and map values are walked through). */
function schemaKeys(node: SchemaNode, depth: number, path = ''): string[] {
  const properties: Record<string, SchemaNode> = Object.assign(
    {},
    node.properties,
    ...[...(node.anyOf ?? []), ...(node.oneOf ?? [])].map((n) => n.properties ?? {}),
  );
  return Object.entries(properties).flatMap(([key, child]) => {
    const inner =
      child.items ??
      (typeof child.additionalProperties === 'object' ? child.additionalProperties : undefined) ??
      child;
    return [`${path}${key}`, ...(depth > 0 ? schemaKeys(inner, depth - 1, `${path}${key}.`) : [])];
  });
}

describe('README configuration reference', () => {
  it('documents every configuration key of the schema (three levels deep)', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## Configuration reference');
    const reference = readme.slice(start, readme.indexOf('\n## ', start + 1));
    assert.ok(start >= 0, 'README has a configuration reference');
    const schema = z.toJSONSchema(configSchema, {
      io: 'input',
      unrepresentable: 'any',
    }) as SchemaNode;
    const missing = schemaKeys(schema, 2).filter(
      (path) => !new RegExp(`\\b${path.split('.').at(-1)}\\b`).test(reference),
    );
    assert.deepEqual(missing, [], `undocumented keys: ${missing.join(', ')}`);
  });
});
