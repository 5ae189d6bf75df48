import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { createSecretStoreProvider } from '../azure/secret-store-provider';
import { VaultPacers } from './vault-pacers';

let emulator: KeyVaultEmulator;
before(async () => {
  emulator = await startEmulator({ vaults: [{ name: 'kv-a' }] });
});
after(async () => {
  await emulator?.stop();
});

/**
 * A paced secret store for kv-a over the unmodified SDK, and the status of every request the
 * vault answered (recorded per retry, so each send shows, the challenge and SDK retries too).
 */
function pacedStore(retryOptions: {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}) {
  const statuses: number[] = [];
  const pacers = new VaultPacers({
    transactionsPerWindow: 1000,
    createsPerWindow: 300,
    utilization: 1,
  });
  const stores = createSecretStoreProvider({
    credentialFor: () => new StaticTokenCredential('test-token'),
    clientOptions: {
      ...emulator.clientOptions(),
      retryOptions,
      additionalPolicies: [
        {
          position: 'perRetry',
          policy: {
            name: 'test-status-recorder',
            sendRequest: async (request, next) => {
              const response = await next(request);
              statuses.push(response.status);
              return response;
            },
          },
        },
      ],
    },
    limits: { transactionsPerWindow: 1000, createsPerWindow: 300, utilization: 1 },
    uriFor: (name) => emulator.vaultUrl(name),
    pacers,
  });
  const store = stores({ name: 'kv-a', uri: emulator.vaultUrl('kv-a') });
  return { store, pacer: pacers.for('kv-a', emulator.vaultUrl('kv-a')), statuses };
}

describe('challengeMeter (unmodified SDK against the emulator)', () => {
  it('counts every authentication challenge of a fresh client against the vault, then none', async () => {
    const { store, pacer, statuses } = pacedStore({ maxRetries: 0 });
    const readAll = () =>
      Promise.all(
        Array.from({ length: 8 }, (_, i) => store.getSecret(`missing-${i}`).catch(() => 0)),
      );

    await readAll();
    const challenges = statuses.filter((status) => status === 401).length;
    assert.ok(challenges >= 1, 'a fresh client is challenged');
    assert.equal(pacer.stats.requests, statuses.length, 'every request the vault saw is counted');
    await readAll();
    assert.equal(statuses.filter((status) => status === 401).length, challenges, 'none after');
    assert.equal(pacer.stats.requests, statuses.length);
  });

  it("counts the SDK's own retries of a request the vault answered 503 against the vault", async () => {
    // The SDK's default retry policy (3 retries of a 5xx), with short delays for the test.
    const { store, pacer, statuses } = pacedStore({ retryDelayInMs: 1, maxRetryDelayInMs: 5 });
    await store.getSecret('warm-up').catch(() => 0);
    const before = { sent: statuses.length, counted: pacer.stats.requests };

    emulator.faults.setErrorRate({ vault: 'kv-a', rate: 1, status: 503 });
    try {
      await assert.rejects(store.getSecret('db-password'));
    } finally {
      emulator.faults.setErrorRate({ vault: 'kv-a', rate: 0 });
    }
    const retried = statuses.slice(before.sent);
    assert.deepEqual(retried, [503, 503, 503, 503], 'one call, sent once and retried 3 times');
    assert.equal(pacer.stats.requests - before.counted, 4, 'each send counted against the vault');
  });
});
