// House rule 1 (issue #19): production never depends on test code. Two halves: no production
// package.json lists a workspace under test/ as a dependency, and the lint rule in
// eslint.config.js refuses a production file that imports test code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Manifest {
  name: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The workspaces under `parent` (libs, services, test), with their directory. */
function workspacesUnder(parent: string): { dir: string; manifest: Manifest }[] {
  return readdirSync(join(ROOT, parent))
    .map((entry) => join(parent, entry))
    .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest,
    }));
}

const production = [...workspacesUnder('libs'), ...workspacesUnder('services')];
const testWorkspaces = new Set(workspacesUnder('test').map(({ manifest }) => manifest.name));

describe('production packages and test code', () => {
  it('finds the production packages and the test workspaces it checks', () => {
    const names = production.map(({ manifest }) => manifest.name);
    assert.ok(names.includes('@akv-replicator/keyvault-emulator'), 'the emulator is a product');
    assert.ok(names.includes('akv-replicator'));
    assert.ok(testWorkspaces.has('@akv-replicator/test-kit'));
    assert.ok(!testWorkspaces.has('@akv-replicator/keyvault-emulator'));
  });

  it('no production package.json depends on a workspace under test/ (devDependencies may)', () => {
    const offending = production.flatMap(({ dir, manifest }) =>
      [manifest.dependencies, manifest.optionalDependencies, manifest.peerDependencies]
        .flatMap((deps) => Object.keys(deps ?? {}))
        .filter((name) => testWorkspaces.has(name))
        .map((name) => `${dir} → ${name}`),
    );
    assert.deepEqual(offending, []);
  });

  it('every ./testing entry point exists', () => {
    const entries = production.flatMap(({ dir, manifest }) =>
      Object.entries(manifest.exports ?? {})
        .filter(([subpath]) => subpath === './testing')
        .map(([, target]) => ({ dir, target })),
    );
    assert.ok(entries.length >= 5, `testing entry points: ${entries.length}`);
    for (const { dir, target } of entries) {
      assert.ok(existsSync(join(ROOT, dir, target)), `${dir}: ${target} exists`);
    }
  });
});

describe('eslint.config.js: production files may not import test code', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const FIXTURE = [
    "import { startNats } from '@akv-replicator/test-kit';",
    "import { ManualClock } from '@akv-replicator/core/testing';",
    "import { brokerProvisioner } from '@akv-replicator/bus-servicebus/testing';",
    "import { failedOutcome } from '../testing/outcomes';",
    "import { createMemoryBus } from '@akv-replicator/bus';",
    'export const used = [startNats, ManualClock, brokerProvisioner, failedOutcome, createMemoryBus];',
    '',
  ].join('\n');

  /** The import sources the rule refuses in FIXTURE when it is linted as `filePath`. */
  async function refused(filePath: string): Promise<string[]> {
    const [result] = await eslint.lintText(FIXTURE, { filePath: join(ROOT, filePath) });
    return result!.messages
      .filter((message) => message.ruleId === 'no-restricted-imports')
      .map(
        (message) => /'([^']+)' import is restricted/.exec(message.message)?.[1] ?? message.message,
      );
  }

  it('refuses test workspaces, …/testing entry points and testing/ folders in a library or service', async () => {
    const expected = [
      '@akv-replicator/test-kit',
      '@akv-replicator/core/testing',
      '@akv-replicator/bus-servicebus/testing',
      '../testing/outcomes',
    ];
    assert.deepEqual(await refused('libs/keyvault-emulator/src/emulator.ts'), expected);
    assert.deepEqual(await refused('services/cli/src/cli.ts'), expected);
  });

  it('lets tests, test kits, benchmarks and test workspaces import them', async () => {
    for (const file of [
      'libs/keyvault-emulator/src/cli-args.test.ts',
      'libs/keyvault/src/testing/index.ts',
      'libs/keyvault-emulator/bench/requests-per-second.ts',
      'test/kit/src/index.ts',
    ])
      assert.deepEqual(await refused(file), [], file);
  });
});
