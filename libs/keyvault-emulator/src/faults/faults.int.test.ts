import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';

describe('fault injection', () => {
  let emulator: KeyVaultEmulator;
  const get = (vault: string) =>
    rawRequest(`${emulator.vaultUrl(vault)}/secrets?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
    });

  before(async () => {
    emulator = await startEmulator({
      vaults: [
        { name: 'kv-we-1', region: 'westeurope' },
        { name: 'kv-we-2', region: 'westeurope' },
        { name: 'kv-ne', region: 'northeurope' },
      ],
    });
  });
  after(() => emulator.stop());
  afterEach(() => emulator.faults.reset());

  it('adds latency to one vault only', async () => {
    // Any request the latency applied to takes at least LATENCY_MS, so "< LATENCY_MS" on the
    // other vault proves it was not delayed; 3 s of latency leaves that bound generous for a
    // loaded machine (an undelayed loopback request takes milliseconds).
    const LATENCY_MS = 3_000;
    emulator.faults.setLatency(LATENCY_MS, { vault: 'kv-ne' });
    let started = Date.now();
    assert.equal((await get('kv-ne')).status, 200);
    assert.ok(Date.now() - started >= LATENCY_MS - 10);
    started = Date.now();
    await get('kv-we-1');
    assert.ok(Date.now() - started < LATENCY_MS, 'other vaults are not slowed down');
  });

  it('answers a chosen fraction of requests with 503 or 500', async () => {
    emulator.faults.setErrorRate({ rate: 1, status: 503, vault: 'kv-we-1' });
    const client = new SecretClient(emulator.vaultUrl('kv-we-1'), new StaticTokenCredential(), {
      ...emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
    await assert.rejects(client.getSecret('x'), { statusCode: 503 });
    emulator.faults.setErrorRate({ rate: 1, vault: 'kv-we-1' });
    assert.equal((await get('kv-we-1')).status, 500);
    assert.equal((await get('kv-we-2')).status, 200);
  });

  it('drops connections without an answer', async () => {
    emulator.faults.setDropRate(1);
    await assert.rejects(get('kv-ne'), /socket hang up|ECONNRESET/);
  });

  it('takes a vault offline (connection refused) and back on the same origin', async () => {
    const url = emulator.vaultUrl('kv-we-2');
    await emulator.faults.takeVaultOffline('kv-we-2');
    await assert.rejects(get('kv-we-2'), /ECONNREFUSED/);
    assert.equal((await get('kv-we-1')).status, 200);
    await emulator.faults.bringVaultOnline('kv-we-2');
    assert.equal(emulator.vaultUrl('kv-we-2'), url);
    assert.equal((await get('kv-we-2')).status, 200);
  });

  it('takes a whole region offline with connection resets, and SDK calls fail until it is back', async () => {
    const client = new SecretClient(emulator.vaultUrl('kv-we-1'), new StaticTokenCredential(), {
      ...emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
    await client.setSecret('before', 'v');
    await emulator.faults.takeRegionOffline('westeurope', 'reset');
    await assert.rejects(get('kv-we-1'), /socket hang up|ECONNRESET/);
    await assert.rejects(get('kv-we-2'), /socket hang up|ECONNRESET/);
    await assert.rejects(client.getSecret('before'));
    assert.equal((await get('kv-ne')).status, 200);
    await emulator.faults.bringRegionOnline('westeurope');
    assert.equal((await client.getSecret('before')).value, 'v', 'data survives the outage');
  });

  it('is driven over the HTTPS admin endpoint too', async () => {
    const admin = (path: string, body?: unknown) =>
      rawRequest(`${emulator.armEndpoint}/admin${path}`, {
        ca: emulator.ca,
        method: body === undefined ? 'GET' : 'POST',
        body,
      });
    assert.equal((await admin('/faults/vaults/kv-ne/offline', {})).status, 200);
    await assert.rejects(get('kv-ne'), /ECONNREFUSED/);
    const state = (await admin('/faults')).body as { offlineVaults: Record<string, string> };
    assert.deepEqual(state.offlineVaults, { 'kv-ne': 'refuse' });
    assert.equal(
      (await admin('/faults/error-rate', { rate: 1, status: 503, vault: 'kv-we-1' })).status,
      200,
    );
    assert.equal((await get('kv-we-1')).status, 503);
    assert.equal(
      (await admin('/faults/error-rate', { rate: 2 })).status,
      400,
      'invalid fault options are rejected',
    );
    assert.equal((await admin('/faults/reset', {})).status, 200);
    assert.equal((await get('kv-ne')).status, 200);
    assert.equal((await get('kv-we-1')).status, 200);
  });
});
