import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { isVaultError } from '../errors';
import { ManualClock } from '@akv-replicator/core/testing';
import { pacedSecretStore } from '../pacing/paced-secret-store';
import { VaultPacer } from '../pacing/vault-pacer';
import { AzureSecretStore } from './azure-secret-store';

let emulator: KeyVaultEmulator;
let throttledEmulator: KeyVaultEmulator;
const storeOn = (emu: KeyVaultEmulator, vault: string) =>
  new AzureSecretStore(
    vault,
    new SecretClient(emu.vaultUrl(vault), new StaticTokenCredential('test-token'), {
      ...emu.clientOptions(),
      retryOptions: { maxRetries: 0 },
    }),
    { recoverPollMs: 20 },
  );
const store = (vault: string) => storeOn(emulator, vault);
/** Waits for a condition; 20 s is far beyond one loopback HTTPS round trip on a loaded machine. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

before(async () => {
  // Instant deletes: the asynchronous lifecycle has its own test (…lifecycle.int.test.ts).
  emulator = await startEmulator({ vaults: [{ name: 'kv-a' }], lifecycleDelayMs: 0 });
  throttledEmulator = await startEmulator({
    vaults: [{ name: 'kv-throttled' }],
    throttling: { enabled: true, windowMs: 60_000, maxTransactions: 5, maxSecretCreates: 300 },
  });
});
after(async () => {
  await emulator?.stop();
  await throttledEmulator?.stop();
});

describe('AzureSecretStore against the emulator (unmodified SDK, HTTPS)', () => {
  it('writes versions, reads them back with Unix-second attributes, and lists without values', async () => {
    const kv = store('kv-a');
    const v1 = await kv.setSecret('db', 'one', {
      enabled: true,
      contentType: 'text/plain',
      notBefore: 1_700_000_000,
      expires: 1_900_000_000,
      tags: { env: 'prod' },
    });
    const v2 = await kv.setSecret('db', 'two', { enabled: true, tags: { env: 'prod' } });
    assert.match(v1.version, /^[0-9a-f]{32}$/);
    assert.notEqual(v1.version, v2.version);
    const latest = await kv.getSecret('db');
    assert.equal(latest.value, 'two');
    assert.equal(latest.version, v2.version);
    const updated = await kv.updateProperties('db', v2.version, {
      enabled: true,
      contentType: 'application/json',
      tags: { env: 'dev' },
    });
    assert.equal(updated.contentType, 'application/json');
    const items = [];
    for await (const item of kv.listSecrets()) items.push(item);
    assert.equal(items.length, 1);
    assert.equal(items[0]?.tags.env, 'dev');
    assert.ok(!('value' in (items[0] ?? {})));
  });

  it('translates the service errors workers act on', async () => {
    const kv = store('kv-a');
    await assert.rejects(
      kv.getSecret('nope'),
      (e: unknown) => isVaultError(e, 'not-found') && e.status === 404,
    );
    await kv.setSecret('off', 'x', { enabled: false, tags: {} });
    await assert.rejects(
      kv.getSecret('off'),
      (e: unknown) => isVaultError(e, 'disabled') && e.status === 403,
    );
    assert.equal((await kv.getLatestProperties('off')).enabled, false);
    await kv.deleteSecret('off');
    assert.ok(await kv.getDeletedSecret('off'));
    await assert.rejects(kv.setSecret('off', 'y', { enabled: true, tags: {} }), (e: unknown) =>
      isVaultError(e, 'deleted-recoverable'),
    );
    await kv.recoverDeletedSecret('off');
    assert.equal((await kv.getLatestProperties('off')).name, 'off');
    assert.equal(await kv.getDeletedSecret('never-deleted'), undefined);
  });

  it('surfaces 429 as throttled, and the pacer backs off and retries it', async () => {
    const raw = storeOn(throttledEmulator, 'kv-throttled');
    const clock = new ManualClock();
    const paced = pacedSecretStore(
      raw,
      new VaultPacer('kv-throttled', {
        transactionsPerWindow: 1000,
        createsPerWindow: 100,
        utilization: 1,
        clock,
        backoffMs: [5],
      }),
    );
    for (let i = 0; i < 5; i++) await raw.setSecret(`s${i}`, 'x', { enabled: true, tags: {} });
    await assert.rejects(
      raw.getSecret('s0'),
      (e: unknown) => isVaultError(e, 'throttled') && e.status === 429 && e.retryable,
    );
    const attempt = paced.getSecret('s0');
    // The first attempt's 429 puts the pacer to sleep on the manual clock: advance only once it
    // sleeps (a fixed wall-clock pause raced the HTTPS round trip and could hang the test).
    await until(() => clock.pendingTimers > 0, 'the pacer to back off on the manual clock');
    await clock.advanceAsync(10);
    await assert.rejects(attempt, /still throttled \(429\) after 2 attempts/);
  });
});
