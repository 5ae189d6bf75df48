import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from './index';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_NODE_MODULES = join(PACKAGE_DIR, '../../node_modules');

interface Manifest {
  name: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Manifest;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Installs the packed tarball the way npm does for `npx`: the package under node_modules, its
 * declared dependencies beside it (linked from this repository's install, so nothing
 * undeclared is reachable), and the bin linked into node_modules/.bin and made executable.
 */
function installPacked(prefix: string): { bin: string; shipped: string[] } {
  const packed = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', prefix], PACKAGE_DIR),
  ) as [{ filename: string; files: { path: string }[] }];
  const modules = join(prefix, 'node_modules');
  mkdirSync(join(modules, '@akv-replicator'), { recursive: true });
  run('tar', ['-xzf', join(prefix, packed[0].filename), '-C', prefix], prefix);
  const installed = join(modules, manifest.name);
  renameSync(join(prefix, 'package'), installed);
  for (const dependency of Object.keys(manifest.dependencies)) {
    mkdirSync(dirname(join(modules, dependency)), { recursive: true });
    symlinkSync(join(REPO_NODE_MODULES, dependency), join(modules, dependency), 'dir');
  }
  const [binName, binPath] = Object.entries(manifest.bin)[0]!;
  mkdirSync(join(modules, '.bin'));
  const link = join(modules, '.bin', binName);
  symlinkSync(join('..', manifest.name, binPath), link);
  chmodSync(link, 0o755);
  return { bin: link, shipped: packed[0].files.map((file) => file.path) };
}

describe('@akv-replicator/keyvault-emulator as npx runs it', () => {
  it('has a single bin, so `npx @akv-replicator/keyvault-emulator` runs akv-keyvault-emulator', () => {
    assert.deepEqual(Object.keys(manifest.bin), ['akv-keyvault-emulator']);
  });

  it('ships its sources without tests, and the packed bin starts and serves the Azure SDK', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'kv-npx-'));
    try {
      const { bin, shipped } = installPacked(prefix);
      for (const expected of ['bin/keyvault-emulator.js', 'src/main.ts', 'README.md']) {
        assert.ok(shipped.includes(expected), `${expected} is shipped`);
      }
      assert.deepEqual(
        shipped.filter((path) => path.endsWith('.test.ts') || path.includes('testing/')),
        [],
      );

      const child = spawn(bin, ['--vault', 'kv-npx'], {
        cwd: prefix,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit').then(([code]) => {
        throw new Error(`the bin exited (${String(code)}) before its ready line: ${stderr}`);
      });
      try {
        const firstLine = (async () => {
          for await (const line of createInterface({ input: child.stdout })) return line;
          return '';
        })();
        const ready = JSON.parse(await Promise.race([firstLine, exited])) as {
          vaults: Record<string, string>;
          caFile: string;
        };
        const secrets = new SecretClient(ready.vaults['kv-npx']!, new StaticTokenCredential('t'), {
          tlsOptions: { ca: readFileSync(ready.caFile, 'utf8') },
          disableChallengeResourceVerification: true,
          retryOptions: { maxRetries: 0 },
        });
        assert.equal((await secrets.setSecret('from-npx', 'v1')).value, 'v1');
      } finally {
        exited.catch(() => undefined);
        child.kill('SIGTERM');
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      }
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
