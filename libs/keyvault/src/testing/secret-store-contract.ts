import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SecretStore } from '../secret-store';
import { collect, eventually, failureKind, whenSettled } from './contract-helpers';

/** What a SecretStore implementation gives the contract for one test: an empty vault. */
export interface SecretStoreContractHarness {
  readonly store: SecretStore;
  /**
   * Key Vault's purge of a soft-deleted secret. Not on the port (workers never purge), so each
   * implementation brings its own; it must fail as the store's operations do (VaultError).
   */
  purge(name: string): Promise<void>;
  dispose?(): Promise<void>;
}

export type SecretStoreContractFactory = () => Promise<SecretStoreContractHarness>;

const T0 = 1_900_000_000; // Unix seconds, in the future on any date these tests run

/**
 * The behaviour every SecretStore must share with Key Vault (node:test): run on the in-memory
 * store as a unit test and on the Azure adapter against the emulator as an integration test,
 * so the memory store that unit tests use cannot drift from the service.
 */
export function runSecretStoreContract(name: string, factory: SecretStoreContractFactory): void {
  void describe(`SecretStore contract: ${name}`, () => {
    let harness: SecretStoreContractHarness | undefined;
    const kv = (): SecretStore => harness!.store;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness?.dispose?.();
      harness = undefined;
    });

    void it('round-trips value, attributes, content type and tags; versions are 32 hex', async () => {
      const written = await kv().setSecret('db', 'one', {
        enabled: true,
        notBefore: T0,
        expires: T0 + 3600,
        contentType: 'text/plain',
        tags: { env: 'prod', team: 'payments' },
      });
      assert.match(written.version, /^[0-9a-f]{32}$/);
      const read = await kv().getSecret('db');
      assert.equal(read.value, 'one');
      assert.deepEqual(
        [read.name, read.version, read.enabled, read.notBefore, read.expires, read.contentType],
        ['db', written.version, true, T0, T0 + 3600, 'text/plain'],
      );
      assert.deepEqual(read.tags, { env: 'prod', team: 'payments' });
      assert.equal(read.managed, false);
      assert.ok(read.created > 0 && read.updated >= read.created);
      const properties = await kv().getLatestProperties('db');
      assert.equal(properties.version, written.version);
      assert.ok(!('value' in properties), 'properties never carry the value');
    });

    void it('lists more than one page (25 items), each secret once, latest attributes, no values', async () => {
      const names = Array.from({ length: 31 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
      for (const item of names)
        await kv().setSecret(item, 'v', { enabled: true, tags: { n: item } });
      await kv().setSecret('item-00', 'v2', {
        enabled: false,
        contentType: 'x',
        tags: { n: 'new' },
      });
      const listed = await collect(kv().listSecrets());
      assert.deepEqual(listed.map((i) => i.name).sort(), names);
      const first = listed.find((i) => i.name === 'item-00');
      assert.deepEqual(
        [first?.enabled, first?.contentType, first?.tags],
        [false, 'x', { n: 'new' }],
      );
      assert.ok(listed.every((i) => !('value' in i) && !('version' in i)));
    });

    void it('keeps every version; the newest is latest and older ones stay readable', async () => {
      const v1 = await kv().setSecret('db', 'one', { enabled: true, tags: {} });
      const v2 = await kv().setSecret('db', 'two', { enabled: true, tags: {} });
      assert.notEqual(v1.version, v2.version);
      assert.equal((await kv().getSecret('db')).value, 'two');
      assert.equal((await kv().getSecret('db', v1.version)).value, 'one');
      const versions = await collect(kv().listSecretVersions('db'));
      assert.deepEqual(versions.map((v) => v.version).sort(), [v1.version, v2.version].sort());
    });

    void it('names are case-insensitive and keep their first spelling', async () => {
      await kv().setSecret('Db-Password', 'one', { enabled: true, tags: {} });
      await kv().setSecret('db-password', 'two', { enabled: true, tags: {} });
      const read = await kv().getSecret('DB-PASSWORD');
      assert.deepEqual([read.name, read.value], ['Db-Password', 'two']);
      assert.equal((await collect(kv().listSecrets())).length, 1);
    });

    void it('updates one version’s properties in place; an update without content type clears it', async () => {
      const v1 = await kv().setSecret('db', 'one', {
        enabled: true,
        expires: T0,
        contentType: 'text/plain',
        tags: { a: '1' },
      });
      const updated = await kv().updateProperties('db', v1.version, {
        enabled: true,
        expires: T0 + 60,
        tags: { b: '2' },
      });
      assert.equal(updated.version, v1.version, 'no new version');
      const read = await kv().getLatestProperties('db');
      assert.deepEqual(
        [read.version, read.expires, read.contentType ?? '', read.tags],
        [v1.version, T0 + 60, '', { b: '2' }],
      );
      assert.equal((await kv().getSecret('db')).value, 'one');
    });

    void it('a disabled secret refuses its value (403) but shows its properties and is listed', async () => {
      await kv().setSecret('off', 'x', { enabled: false, tags: { t: '1' } });
      const error = await kv()
        .getSecret('off')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.deepEqual(
        [(error as { kind?: string })?.kind, (error as { status?: number })?.status],
        ['disabled', 403],
      );
      assert.equal((await kv().getLatestProperties('off')).enabled, false);
      const [item] = await collect(kv().listSecrets());
      assert.deepEqual([item?.name, item?.enabled], ['off', false]);
    });

    void it('a missing name is not-found for reads, updates and deletes; not soft-deleted', async () => {
      assert.equal(await failureKind(() => kv().getSecret('nope')), 'not-found');
      assert.equal(await failureKind(() => kv().getLatestProperties('nope')), 'not-found');
      assert.equal(
        await failureKind(() =>
          kv().updateProperties('nope', '0'.repeat(32), { enabled: true, tags: {} }),
        ),
        'not-found',
      );
      assert.equal(await failureKind(() => kv().deleteSecret('nope')), 'not-found');
      assert.equal(await failureKind(() => kv().recoverDeletedSecret('nope')), 'not-found');
      assert.equal(await kv().getDeletedSecret('nope'), undefined);
    });

    void it('refuses more than 15 tags and oversize values with bad-request', async () => {
      const tags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'v']));
      assert.equal(
        await failureKind(() => kv().setSecret('many', 'x', { enabled: true, tags })),
        'bad-request',
      );
      assert.equal(
        await failureKind(() =>
          kv().setSecret('big', 'x'.repeat(25 * 1024 + 1), { enabled: true, tags: {} }),
        ),
        'bad-request',
      );
      await kv().setSecret('fifteen', 'x'.repeat(25 * 1024), {
        enabled: true,
        tags: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${i}`, 'v'.repeat(256)])),
      });
    });

    void it('soft delete hides the secret, blocks the name, and recover brings back every version', async () => {
      const v1 = await kv().setSecret('db', 'one', { enabled: true, tags: { a: '1' } });
      await kv().deleteSecret('db');
      assert.equal(await failureKind(() => kv().getSecret('db')), 'not-found');
      assert.deepEqual(await collect(kv().listSecrets()), []);
      await eventually(
        'the delete to finish',
        async () => (await kv().getDeletedSecret('db')) !== undefined,
      );
      const deleted = await kv().getDeletedSecret('db');
      assert.equal(deleted?.name, 'db');
      assert.ok(
        deleted?.deletedOn && deleted.scheduledPurge && deleted.scheduledPurge > deleted.deletedOn,
      );
      assert.equal(
        await failureKind(() => kv().setSecret('db', 'two', { enabled: true, tags: {} })),
        'deleted-recoverable',
      );
      await whenSettled(() => kv().recoverDeletedSecret('db'));
      await eventually('the recovered secret', async () =>
        kv()
          .getSecret('db')
          .then(
            () => true,
            () => false,
          ),
      );
      const read = await kv().getSecret('db');
      assert.deepEqual([read.value, read.version, read.tags], ['one', v1.version, { a: '1' }]);
      assert.equal(await kv().getDeletedSecret('db'), undefined);
    });

    void it('purge frees the name: re-creating starts a new history', async () => {
      await kv().setSecret('db', 'one', { enabled: true, tags: {} });
      assert.equal(
        await failureKind(() => harness!.purge('db')),
        'not-found',
        'only deleted secrets purge',
      );
      await kv().deleteSecret('db');
      await eventually(
        'the delete to finish',
        async () => (await kv().getDeletedSecret('db')) !== undefined,
      );
      await whenSettled(() => harness!.purge('db'));
      const again = await whenSettled(() =>
        kv().setSecret('db', 'two', { enabled: true, tags: {} }),
      );
      const versions = await collect(kv().listSecretVersions('db'));
      assert.deepEqual(
        versions.map((v) => v.version),
        [again.version],
      );
      assert.equal((await kv().getSecret('db')).value, 'two');
      assert.equal(await kv().getDeletedSecret('db'), undefined);
    });
  });
}
