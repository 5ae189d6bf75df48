import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import type { RequestKind, VaultPacer } from '@akv-replicator/keyvault';
import { vaultPacers } from './stores';

// replication.keyVaultLimits.* as they flow from configuration into the pacers the stack's
// stores share (the pacer's own windows are proven in libs/keyvault's vault-pacer.test.ts).
// Requests beyond the configured budget must wait for the 10 s window instead of running.

const LINK =
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: a }] }]\n';
const pacerFor = (limits: string): VaultPacer =>
  vaultPacers(
    loadConfigText(`${LINK}replication: { keyVaultLimits: ${limits} }`, { env: {} }),
    {},
  ).for('kv-a', 'https://kv-a.vault.azure.net');

/**
 * Starts `count` requests of `kind` at once and returns how many ran before the pacer made the
 * rest wait (its `pacedMs` grows as soon as one request has to wait for the window). The waiting
 * ones are aborted, so the test never sits out a 10 s window.
 */
async function admittedAtOnce(pacer: VaultPacer, kind: RequestKind, count: number) {
  const abort = new AbortController();
  let ran = 0;
  const requests = Array.from({ length: count }, () =>
    pacer
      .run(
        kind,
        async () => {
          ran++;
        },
        abort.signal,
      )
      .catch(() => undefined),
  );
  // Every request either ran or is waiting once the event loop has gone round.
  await new Promise((resolve) => setImmediate(resolve));
  const waited = pacer.stats.pacedMs > 0;
  abort.abort();
  await Promise.all(requests);
  return { ran, waited };
}

describe('replication.keyVaultLimits reach the pacers', () => {
  it('transactionsPer10s × utilization is the number of requests admitted per window', async () => {
    assert.deepEqual(
      await admittedAtOnce(pacerFor('{ transactionsPer10s: 10, utilization: 0.5 }'), 'read', 8),
      { ran: 5, waited: true },
    );
    assert.deepEqual(
      await admittedAtOnce(pacerFor('{ transactionsPer10s: 10, utilization: 1 }'), 'read', 8),
      { ran: 8, waited: false },
      'the same burst fits a full share of the same limit',
    );
  });

  it('secretCreatesPer10s × utilization bounds creates separately', async () => {
    assert.deepEqual(
      await admittedAtOnce(
        pacerFor('{ transactionsPer10s: 100, secretCreatesPer10s: 4, utilization: 0.5 }'),
        'create',
        5,
      ),
      { ran: 2, waited: true },
    );
    assert.deepEqual(
      await admittedAtOnce(
        pacerFor('{ transactionsPer10s: 100, secretCreatesPer10s: 4, utilization: 0.5 }'),
        'read',
        5,
      ),
      { ran: 5, waited: false },
      'reads are not creates',
    );
  });
});
