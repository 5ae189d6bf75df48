import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every production .ts file of the workspaces the CLI bundles. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('the vendored files export every value the production code imports from those packages', () => {
  const { bundledThirdParty } = JSON.parse(
    readFileSync(join(ROOT, 'services/cli/package.json'), 'utf8'),
  ) as { bundledThirdParty: Record<string, string[]> };
  for (const [name, exported] of Object.entries(bundledThirdParty)) {
    const imported = new Set<string>();
    const pattern = new RegExp(
      `import\\s+(type\\s+)?\\{([^}]*)\\}\\s+from\\s+'${name.replace(/[/.]/g, '\\$&')}'`,
      'g',
    );
    for (const file of ['libs', 'services'].flatMap((top) => sources(join(ROOT, top)))) {
      for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
        if (match[1]) continue; // `import type { … }` is erased
        for (const item of match[2]!.split(',').map((s) => s.trim()))
          if (item && !item.startsWith('type ')) imported.add(item.split(/\s+as\s+/)[0]!);
      }
    }
    assert.ok(imported.size > 0, `${name} is vendored but nothing imports it`);
    const missing = [...imported].filter((value) => !exported.includes(value));
    assert.deepEqual(missing, [], `${name}: add to services/cli/package.json bundledThirdParty`);
  }
});
