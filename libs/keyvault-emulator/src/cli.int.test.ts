import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from './index';

const BIN = fileURLToPath(new URL('../bin/keyvault-emulator.js', import.meta.url));

interface ReadyLine {
  vaults: Record<string, string>;
  arm: string;
  caFile: string;
  tenantId: string;
  subscriptionId: string;
}

describe('keyvault-emulator CLI (bin → main → runEmulatorCli)', () => {
  it('prints one ready line, serves the SDKs with the printed CA, and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kv-cli-test-'));
    const config = join(dir, 'emulator.json');
    writeFileSync(
      config,
      JSON.stringify({
        subscriptionId: '0d0d0d0d-0000-4000-8000-00000000000d',
        vaults: [
          { name: 'from-config', region: 'eastus', tags: { dst_key_vault_names: 'replica' } },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      [BIN, '--config', config, '--vault', 'replica@northeurope', '--strict-auth', 'cli-token'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await Promise.race([
        (async () => {
          for await (const line of lines) return [line];
          return [undefined];
        })(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no ready line within 20 s')), 20_000).unref(),
        ),
      ])) as [string | undefined];
      const ready = JSON.parse(first!) as ReadyLine;
      assert.deepEqual(Object.keys(ready.vaults).sort(), ['from-config', 'replica']);
      assert.equal(ready.subscriptionId, '0d0d0d0d-0000-4000-8000-00000000000d');
      const ca = readFileSync(ready.caFile, 'utf8');
      const options = {
        tlsOptions: { ca },
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
      };

      const secrets = new SecretClient(
        ready.vaults['replica']!,
        new StaticTokenCredential('cli-token'),
        options,
      );
      assert.equal((await secrets.setSecret('s', 'v')).value, 'v');
      const intruder = new SecretClient(
        ready.vaults['replica']!,
        new StaticTokenCredential('other'),
        options,
      );
      await assert.rejects(intruder.getSecret('s'), { statusCode: 401 });

      const arm = new KeyVaultManagementClient(
        new StaticTokenCredential('cli-token'),
        ready.subscriptionId,
        { endpoint: ready.arm, ...options },
      );
      const vault = await arm.vaults.get('rg-keyvault-emulator', 'from-config');
      assert.equal(vault.location, 'eastus');
      assert.equal(vault.tags?.['dst_key_vault_names'], 'replica');

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.equal(existsSync(ready.caFile), false, 'the temporary CA file is cleaned up');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with status 2 and a usage message for a bad command line', async () => {
    const child = spawn(process.execPath, [BIN, '--bogus'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /unknown argument "--bogus"/);
  });
});
