// Rules of the secret kind (secret-kind.ts) the shared pipeline cannot state: what a disabled
// source's replica is switched off with, why a certificate-backed secret is left to the
// certificate-converter, and what an outcome names. Mutation testing, issue #25.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProvenance, type SecretTaskData } from '@akv-replicator/core';
import { MemorySecretStore } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';
import { secretTask, testPolicy } from './converge-fixtures';

let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const run = (overrides: Partial<SecretTaskData> = {}, p: Partial<ConvergePolicy> = {}) =>
  convergeSecret(
    secretTask(overrides),
    { source, replica },
    { ...testPolicy(() => clock * 1000), ...p },
  );

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('secret kind — a disabled source and a replica it takes over', () => {
  it('switches the replica off without claiming the source version it never read', async () => {
    await replica.setSecret('db-password', 'hand-made', { enabled: true, tags: {} });
    clock = 1_100;
    const disabled = await source.setSecret('db-password', 'from-source', {
      enabled: false,
      tags: {},
    });
    const result = await run({}, { overwriteUnowned: true });
    assert.equal(result.action, 'disabled');
    const copy = await replica.getLatestProperties('db-password');
    assert.equal(copy.enabled, false);
    assert.equal(readProvenance(copy.tags), undefined, 'it does not hold kv-src’s version');

    // Re-enabled at the source: the value is copied, not the old one switched back on.
    clock = 1_200;
    await source.updateProperties('db-password', disabled.version, { enabled: true, tags: {} });
    assert.equal((await run({}, { overwriteUnowned: true })).action, 'updated');
    assert.equal((await replica.getSecret('db-password')).value, 'from-source');
  });
});
