import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { ManualClock, startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';

describe('throttling per vault per window', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  let emulator: KeyVaultEmulator;
  let client: SecretClient;

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-busy' }, { name: 'kv-quiet' }],
      clock,
      throttling: { maxTransactions: 12, maxSecretCreates: 3 },
    });
    client = new SecretClient(emulator.vaultUrl('kv-busy'), new StaticTokenCredential(), {
      ...emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
  });
  after(() => emulator.stop());

  it('limits secret creates separately, then all transactions, and resets with the window', async () => {
    for (let i = 0; i < 3; i += 1) await client.setSecret(`s${i}`, 'v');
    await assert.rejects(client.setSecret('s3', 'v'), { statusCode: 429, code: 'Throttled' });
    // Reads still pass while creates are exhausted.
    assert.equal((await client.getSecret('s0')).value, 'v');

    const url = `${emulator.vaultUrl('kv-busy')}/secrets/s0/?api-version=7.5`;
    let throttled: Awaited<ReturnType<typeof rawRequest>> | undefined;
    for (let i = 0; i < 20 && !throttled; i += 1) {
      const response = await rawRequest(url, { ca: emulator.ca, token: 't' });
      if (response.status === 429) throttled = response;
    }
    assert.ok(throttled, 'the 12-transaction budget runs out');
    assert.equal((throttled.body as { error: { code: string } }).error.code, 'Throttled');
    assert.equal(throttled.headers['retry-after'], undefined, 'Key Vault sends no Retry-After');

    // Another vault has its own budget.
    const quiet = await rawRequest(`${emulator.vaultUrl('kv-quiet')}/secrets?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
    });
    assert.equal(quiet.status, 200);

    clock.advance(10_000);
    assert.equal((await client.setSecret('s3', 'v')).value, 'v');
  });

  it('sends Retry-After when configured to', async () => {
    const withHeader = await startEmulator({
      vaults: [{ name: 'kv-ra' }],
      throttling: { maxTransactions: 1, retryAfterSeconds: 7 },
    });
    try {
      const url = `${withHeader.vaultUrl('kv-ra')}/secrets?api-version=7.5`;
      assert.equal((await rawRequest(url, { ca: withHeader.ca, token: 't' })).status, 200);
      const response = await rawRequest(url, { ca: withHeader.ca, token: 't' });
      assert.equal(response.status, 429);
      assert.equal(response.headers['retry-after'], '7');
    } finally {
      await withHeader.stop();
    }
  });

  it('reaches a default-configured SDK caller: without Retry-After the SDK does not retry a 429', async () => {
    const tight = await startEmulator({
      vaults: [{ name: 'kv-tight' }],
      throttling: { maxTransactions: 2 },
    });
    try {
      // Counting attempts (a perRetry policy sees every send, retries included) proves "no
      // retry" directly, where a wall-clock bound on the call would fail on a loaded machine.
      let attempts = 0;
      const sdk = new SecretClient(tight.vaultUrl('kv-tight'), new StaticTokenCredential(), {
        ...tight.clientOptions(),
        additionalPolicies: [
          {
            policy: {
              name: 'count-attempts',
              sendRequest: (request, next) => {
                attempts += 1;
                return next(request);
              },
            },
            position: 'perRetry',
          },
        ],
      });
      await sdk.setSecret('a', 'v');
      await sdk.getSecret('a');
      attempts = 0;
      await assert.rejects(sdk.getSecret('a'), { statusCode: 429, code: 'Throttled' });
      assert.equal(attempts, 1, 'the 429 was not retried');
    } finally {
      await tight.stop();
    }
  });

  it('takes per-vault limits from the vault spec and at runtime', async () => {
    const mixed = await startEmulator({
      vaults: [{ name: 'kv-strict', throttling: { maxTransactions: 1 } }, { name: 'kv-free' }],
    });
    try {
      const get = (vault: string) =>
        rawRequest(`${mixed.vaultUrl(vault)}/secrets?api-version=7.5`, {
          ca: mixed.ca,
          token: 't',
        });
      assert.equal((await get('kv-strict')).status, 200);
      assert.equal((await get('kv-strict')).status, 429);
      for (let i = 0; i < 5; i += 1) assert.equal((await get('kv-free')).status, 200);
      mixed.setThrottling({ maxTransactions: 1 }, { vault: 'kv-free' });
      assert.equal(
        (await get('kv-free')).status,
        429,
        'the new limit applies to the running window',
      );
      const admin = await rawRequest(`${mixed.armEndpoint}/admin/throttling`, {
        ca: mixed.ca,
        method: 'POST',
        body: { vault: 'kv-strict', enabled: false },
      });
      assert.equal(admin.status, 200);
      assert.equal((await get('kv-strict')).status, 200, 'turned off over the admin endpoint');
    } finally {
      await mixed.stop();
    }
  });
});

describe('throttling per subscription and region', () => {
  it('throttles a vault with budget left once its subscription used 5x the per-vault limit in the region', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const other = '00000000-0000-4000-8000-00000000beef';
    const emulator = await startEmulator({
      clock,
      throttling: { maxTransactions: 100, maxSecretCreates: 2 },
      vaults: [
        ...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ name: `kv-${n}`, region: 'westeurope' })),
        { name: 'kv-elsewhere', region: 'northeurope' },
        { name: 'kv-other-sub', region: 'westeurope', subscriptionId: other },
      ],
    });
    try {
      const client = (vault: string) =>
        new SecretClient(emulator.vaultUrl(vault), new StaticTokenCredential(), {
          ...emulator.clientOptions(),
          retryOptions: { maxRetries: 0 },
        });
      // 5 vaults x 2 creates = the subscription's 10 creates in westeurope.
      for (const n of ['a', 'b', 'c', 'd', 'e'])
        for (let i = 0; i < 2; i += 1) await client(`kv-${n}`).setSecret(`s${i}`, 'v');
      await assert.rejects(
        client('kv-f').setSecret('s0', 'v'),
        (error: { statusCode: number; code: string; message: string }) =>
          error.statusCode === 429 &&
          error.code === 'Throttled' &&
          /subscription in this region/.test(error.message),
      );
      await client('kv-elsewhere').setSecret('s0', 'v');
      await client('kv-other-sub').setSecret('s0', 'v');
      clock.advance(10_000);
      await client('kv-f').setSecret('s0', 'v');
    } finally {
      await emulator.stop();
    }
  });
});
