import assert from 'node:assert/strict';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import type { CertificateStore } from '../certificates/certificate-store';
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE } from '../certificates/certificate-model';
import { readCertificateMaterial } from '../certificates/certificate-material';
import { createTestCertificate, type TestCertificate } from './test-certificates';
import { collect, eventually, failureKind, whenSettled } from './contract-helpers';

/** What a CertificateStore implementation gives the contract for one test: an empty vault. */
export interface CertificateStoreContractHarness {
  readonly store: CertificateStore;
  /** Key Vault's purge of a soft-deleted certificate (not on the port: workers never purge). */
  purge(name: string): Promise<void>;
  dispose?(): Promise<void>;
}

export type CertificateStoreContractFactory = () => Promise<CertificateStoreContractHarness>;

/**
 * The behaviour every CertificateStore must share with Key Vault (node:test), run on the
 * in-memory store and on the Azure adapter against the emulator.
 */
export function runCertificateStoreContract(
  name: string,
  factory: CertificateStoreContractFactory,
): void {
  void describe(`CertificateStore contract: ${name}`, () => {
    let harness: CertificateStoreContractHarness | undefined;
    let pfx: TestCertificate;
    let pem: TestCertificate;
    const kv = (): CertificateStore => harness!.store;
    const importPfx = (as: string, tags: Record<string, string> = {}, enabled = true) =>
      kv().importCertificate(as, {
        value: pfx.value,
        contentType: PKCS12_CONTENT_TYPE,
        enabled,
        tags,
      });
    before(() => {
      pfx = createTestCertificate({ subject: 'CN=contract-pfx', format: 'pfx' });
      pem = createTestCertificate({ subject: 'CN=contract-pem', format: 'pem', withChain: true });
    });
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness?.dispose?.();
      harness = undefined;
    });

    void it('imports PFX and PEM: thumbprint, validity, tags, policy content type and backing secret', async () => {
      const imported = await importPfx('web', { env: 'prod' });
      assert.match(imported.version, /^[0-9a-f]{32}$/);
      assert.equal(imported.x5t, pfx.x5t);
      await kv().importCertificate('chain', {
        value: pem.value,
        contentType: PEM_CONTENT_TYPE,
        enabled: true,
        tags: {},
      });
      const read = await kv().getCertificate('web');
      assert.deepEqual(
        [read.name, read.version, read.x5t, read.tags],
        ['web', imported.version, pfx.x5t, { env: 'prod' }],
      );
      assert.ok(read.notBefore && read.expires && read.expires > read.notBefore);
      assert.ok(read.cer.byteLength > 0);
      assert.equal(read.policy.contentType, PKCS12_CONTENT_TYPE);
      const secret = await kv().getCertificateSecret('chain');
      assert.equal(secret.contentType, PEM_CONTENT_TYPE);
      assert.equal(readCertificateMaterial(secret.value, secret.contentType).chain.length, 2);
    });

    void it('lists more than one page (25 items), latest versions, no key material', async () => {
      const names = Array.from({ length: 27 }, (_, i) => `cert-${String(i).padStart(2, '0')}`);
      for (const cert of names) await importPfx(cert, { n: cert });
      const listed = await collect(kv().listCertificates());
      assert.deepEqual(listed.map((c) => c.name).sort(), names);
      assert.ok(listed.every((c) => c.x5t === pfx.x5t && !('cer' in c) && !('value' in c)));
    });

    void it('a new version keeps the policy set after the first import', async () => {
      await importPfx('web');
      const policy = await kv().getPolicy('web');
      await kv().updatePolicy('web', {
        ...policy,
        lifetimeActions: [{ action: 'EmailContacts', daysBeforeExpiry: 20 }],
      });
      const second = await importPfx('web');
      assert.equal((await kv().getCertificate('web')).version, second.version);
      assert.deepEqual(
        (await kv().getPolicy('web')).lifetimeActions.map((a) => [a.action, a.daysBeforeExpiry]),
        [['EmailContacts', 20]],
      );
    });

    void it('a disabled version refuses its secret (403) but shows its properties', async () => {
      const imported = await importPfx('web', { a: '1' });
      const updated = await kv().updateProperties('web', imported.version, {
        enabled: false,
        tags: { b: '2' },
      });
      assert.deepEqual(
        [updated.version, updated.enabled, updated.tags],
        [imported.version, false, { b: '2' }],
      );
      assert.equal(await failureKind(() => kv().getCertificateSecret('web')), 'disabled');
      assert.equal((await kv().getCertificate('web')).enabled, false);
    });

    void it('a missing name is not-found; more than 15 tags are refused', async () => {
      assert.equal(await failureKind(() => kv().getCertificate('nope')), 'not-found');
      assert.equal(await failureKind(() => kv().getCertificateSecret('nope')), 'not-found');
      assert.equal(await failureKind(() => kv().getPolicy('nope')), 'not-found');
      assert.equal(await failureKind(() => kv().deleteCertificate('nope')), 'not-found');
      const tags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'v']));
      assert.equal(await failureKind(() => importPfx('many', tags)), 'bad-request');
    });

    void it('shows a soft-deleted certificate as it would be recovered (read only), and nothing else', async () => {
      const first = await importPfx('web', { owner: 'a' });
      await importPfx('kept');
      assert.equal(await kv().getDeletedCertificate('nope'), undefined, 'never existed');
      assert.equal(await kv().getDeletedCertificate('web'), undefined, 'live, not deleted');
      await kv().deleteCertificate('web');
      await eventually(
        'the delete to finish',
        async () => (await kv().getDeletedCertificate('web')) !== undefined,
      );
      const deleted = (await kv().getDeletedCertificate('WEB'))!;
      assert.deepEqual(
        [deleted.name, deleted.version, deleted.x5t, deleted.tags, deleted.enabled],
        ['web', first.version, pfx.x5t, { owner: 'a' }, true],
      );
      assert.equal(deleted.policy.contentType, PKCS12_CONTENT_TYPE);
      assert.ok(deleted.cer.byteLength > 0);
      assert.ok(
        deleted.deletedOn && deleted.scheduledPurge && deleted.scheduledPurge > deleted.deletedOn,
      );
      assert.equal(await kv().getDeletedCertificate('kept'), undefined);
      // Reading it changed nothing: still deleted, the name still blocked.
      assert.equal(await failureKind(() => importPfx('web')), 'deleted-recoverable');

      await whenSettled(() => kv().recoverDeletedCertificate('web'));
      await eventually('the recovered certificate', () =>
        kv()
          .getCertificate('web')
          .then(
            () => true,
            () => false,
          ),
      );
      assert.equal(await kv().getDeletedCertificate('web'), undefined, 'recovered');
      await whenSettled(() => kv().deleteCertificate('web'));
      await eventually('the delete to finish', async () =>
        harness!.purge('web').then(
          () => true,
          () => false,
        ),
      );
      await eventually(
        'the purge to finish',
        async () => (await kv().getDeletedCertificate('web')) === undefined,
      );
    });

    void it('soft delete blocks the name until recovered; purge frees it', async () => {
      const first = await importPfx('web');
      await kv().deleteCertificate('web');
      assert.equal(await failureKind(() => kv().getCertificate('web')), 'not-found');
      assert.deepEqual(await collect(kv().listCertificates()), []);
      await eventually(
        'the delete to finish',
        async () =>
          (await failureKind(() => importPfx('web')).catch(() => 'ok')) === 'deleted-recoverable',
      );
      await whenSettled(() => kv().recoverDeletedCertificate('web'));
      await eventually('the recovered certificate', () =>
        kv()
          .getCertificate('web')
          .then(
            () => true,
            () => false,
          ),
      );
      assert.equal((await kv().getCertificate('web')).version, first.version);

      assert.equal(
        await failureKind(() => harness!.purge('web')),
        'not-found',
        'only deleted ones purge',
      );
      await whenSettled(() => kv().deleteCertificate('web'));
      await eventually('the delete to finish', async () =>
        harness!.purge('web').then(
          () => true,
          () => false,
        ),
      );
      const again = await whenSettled(() => importPfx('web'));
      assert.notEqual(again.version, first.version);
      assert.equal((await kv().getCertificate('web')).version, again.version);
    });
  });
}
