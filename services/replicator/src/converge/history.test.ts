import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROVENANCE_TAG,
  encodeProvenance,
  readProvenance,
  secretTaskDataSchema,
  type SecretTaskData,
} from '@akv-replicator/core';
import { MemorySecretStore, VaultError, type SecretVersionInfo } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';

let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const policy: ConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => clock * 1000,
};
const task = (overrides: Partial<SecretTaskData> = {}) =>
  secretTaskDataSchema.parse({
    taskId: 't',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'db',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'reconcile', id: 'r' },
    historyVersions: 10,
    ...overrides,
  });
const run = (overrides: Partial<SecretTaskData> = {}, replicaStore = replica) =>
  convergeSecret(task(overrides), { source, replica: replicaStore }, policy);

/** Source versions v1..vN, one second apart; `disabled` lists the values created disabled. */
async function seed(values: string[], disabled: string[] = []): Promise<SecretVersionInfo[]> {
  const versions = [];
  for (const value of values) {
    clock++;
    versions.push(
      await source.setSecret('db', value, {
        enabled: !disabled.includes(value),
        tags: { label: value },
      }),
    );
  }
  return versions;
}

/** The replica's versions, oldest first: [value, source version its provenance names]. */
async function replicaHistory(): Promise<[string, string | undefined][]> {
  const out: [string, string | undefined][] = [];
  for await (const v of replica.listSecretVersions('db')) {
    const value = (await replica.getSecret('db', v.version)).value;
    out.push([value, readProvenance(v.tags)?.sourceVersion]);
  }
  return out;
}

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('replication.history: enabledVersions (historyVersions on the task)', () => {
  it('copies the older enabled versions oldest first, each with provenance of its own version, then the latest', async () => {
    const [v1, , v3, v4] = await seed(['one', 'two', 'three', 'four'], ['two']);
    const result = await run();
    assert.equal(result.action, 'created');
    assert.equal(result.reason, 'after 2 older version(s) of its history, oldest first');
    assert.deepEqual(await replicaHistory(), [
      ['one', v1!.version],
      ['three', v3!.version],
      ['four', v4!.version],
    ]);
    assert.equal(result.sourceVersion, v4!.version);
  });

  it('is bounded by the configured maximum: the newest older versions are kept', async () => {
    const versions = await seed(['a', 'b', 'c', 'd', 'e']);
    await run({ historyVersions: 2 });
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['c', 'd', 'e'],
    );
    assert.equal(versions.length, 5);
  });

  it('counts only enabled versions against the maximum', async () => {
    // A disabled version cannot be read, so it takes none of the places.
    await seed(['a', 'b', 'c', 'd'], ['c']);
    const result = await run({ historyVersions: 2 });
    assert.equal(result.reason, 'after 2 older version(s) of its history, oldest first');
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'b', 'd'],
    );
  });

  it('copies the latest only when the task carries no history (history: latest)', async () => {
    await seed(['a', 'b']);
    await run({ historyVersions: 0 });
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['b'],
    );
    assert.equal(source.requestCount('listVersions'), 0, 'no version listing either');
  });

  it('is idempotent: a re-run or a redelivered task adds nothing', async () => {
    await seed(['a', 'b', 'c']);
    await run();
    for (let i = 0; i < 3; i++) assert.equal((await run()).action, 'unchanged');
    assert.equal(replica.requestCount('set'), 3);
  });

  it('resumes an interrupted first sync where it stopped, without duplicating a version', async () => {
    await seed(['a', 'b', 'c', 'd']);
    let sets = 0;
    const crashing = new MemorySecretStore('kv-dst', {
      now: () => clock,
      beforeRequest: (operation) => {
        if (operation === 'set' && ++sets === 3)
          throw new VaultError('unavailable', 'connection reset', { vault: 'kv-dst' });
      },
    });
    replica = crashing;
    await assert.rejects(run({}, crashing), /connection reset/);
    const redelivered = await run({}, crashing);
    assert.equal(redelivered.action, 'updated');
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('fills the versions a lagging replica of ours lacks, then stays unchanged', async () => {
    await seed(['a']);
    await run({ historyVersions: 0 });
    await seed(['b', 'c']);
    // The replica holds a: b is the history it lacks, then c.
    await run();
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'b', 'c'],
    );
    assert.equal((await run()).action, 'unchanged');
  });
});

describe('replication.history: the versions it copies and the ones it cannot', () => {
  it('orders by creation time whatever order Key Vault lists the versions in', async () => {
    await seed(['a', 'b', 'c', 'd']);
    const listing = source.listSecretVersions.bind(source);
    source.listSecretVersions = async function* (name: string) {
      const all: SecretVersionInfo[] = [];
      for await (const v of listing(name)) all.push(v);
      yield* all.reverse();
    };
    await run();
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('skips an older version whose tags leave no room for provenance, copying the rest', async () => {
    await seed(['a']);
    clock++;
    const full = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${i}`, 'v']));
    await source.setSecret('db', 'full', { enabled: true, tags: full });
    await seed(['c']);
    const result = await run();
    assert.equal(result.reason, 'after 1 older version(s) of its history, oldest first');
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'c'],
    );
  });

  it('skips a version disabled or gone since the listing, and retries on any other failure', async () => {
    const [a, b] = await seed(['a', 'b', 'c']);
    const reads = source.getSecret.bind(source);
    const failing = new Map<string, VaultError>([
      [a!.version, new VaultError('disabled', 'disabled', { vault: 'kv-src' })],
      [b!.version, new VaultError('not-found', 'gone', { vault: 'kv-src' })],
    ]);
    source.getSecret = async (name: string, version?: string) => {
      const failure = version && failing.get(version);
      if (failure) throw failure;
      return reads(name, version);
    };
    const result = await run();
    assert.deepEqual([result.action, result.reason], ['created', undefined]);
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['c'],
    );

    failing.set(a!.version, new VaultError('throttled', 'Too many requests', { vault: 'kv-src' }));
    replica = new MemorySecretStore('kv-dst', { now: () => clock });
    await assert.rejects(run(), (e: unknown) => e instanceof VaultError && e.retryable);
    assert.equal(replica.requestCount('set'), 0);
  });

  it('copies no history when the provenance names a version the source no longer lists', async () => {
    // Which versions the replica holds is then unknown: copying could duplicate them.
    await seed(['a', 'b']);
    await replica.setSecret('db', 'a', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-src',
          sourceVersion: '00000000000000000000000000000000',
          sourceUpdated: 900,
        }),
      },
    });
    assert.equal((await run()).action, 'updated');
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['a', 'b'],
    );
  });

  it('copies the whole history into a replica it takes over (overwriteUnowned)', async () => {
    // The replica's own versions are not the source's: nothing of the history is held yet.
    await seed(['a', 'b', 'c']);
    await replica.setSecret('db', 'hand-made', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-other',
          sourceVersion: '00000000000000000000000000000000',
          sourceUpdated: 900,
        }),
      },
    });
    const result = await convergeSecret(
      task(),
      { source, replica },
      {
        ...policy,
        overwriteUnowned: true,
      },
    );
    assert.equal(result.reason, 'after 2 older version(s) of its history, oldest first');
    assert.deepEqual(
      (await replicaHistory()).map(([value]) => value),
      ['hand-made', 'a', 'b', 'c'],
    );
  });
});

describe('replication.history: each copied version keeps its own attributes', () => {
  it('copies contentType, notBefore and expires of every older version', async () => {
    clock++;
    await source.setSecret('db', 'old', {
      enabled: true,
      contentType: 'text/plain',
      notBefore: 500,
      expires: 5_000,
      tags: { label: 'old' },
    });
    await seed(['new']);
    await run();
    const versions = [];
    for await (const v of replica.listSecretVersions('db')) versions.push(v);
    assert.deepEqual(
      versions.map((v) => [v.contentType, v.notBefore, v.expires, v.tags.label]),
      [
        ['text/plain', 500, 5_000, 'old'],
        [undefined, undefined, undefined, 'new'],
      ],
    );
  });
});
