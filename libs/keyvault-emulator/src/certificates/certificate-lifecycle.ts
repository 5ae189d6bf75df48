import { errors } from '../errors';
import type { VaultOperation } from '../http/operation';
import { pageOf } from '../http/paging';
import { assertNotInTransition } from '../lifecycle/lifecycle-conflicts';
import { validateObjectName } from '../secrets/secret-validation';
import type { VaultContext } from '../vault-context';
import {
  certificateBundle,
  deletedCertificateBundle,
  deletedCertificateItem,
} from './certificate-render';
import {
  createCertificate,
  getCertificate,
  getLatestCertificate,
  getPending,
  getPolicy,
  importCertificate,
  listCertificates,
  listCertificateVersions,
  updateCertificate,
  updatePolicy,
} from './certificate-operations';

/** Deleting, recovering or purging a certificate does the same to its key and secret. */
function families(vault: VaultContext) {
  return [vault.store.certificates, vault.store.secrets, vault.store.keys] as const;
}

const deleteCertificate: VaultOperation = {
  method: 'DELETE',
  path: '/certificates/:name',
  dataAction: 'certificates/delete',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    assertNotInTransition(vault.store.certificates, 'certificate', name, 'delete');
    if (!vault.store.certificates.versions(name)) throw errors.objectNotFound('certificate', name);
    const now = vault.clock.now();
    const purgeAt = now + vault.recoverableDays * 86_400_000;
    const [certificates, secrets, keys] = families(vault);
    const deleted = certificates.softDelete(name, now, purgeAt)!;
    secrets.softDelete(name, now, purgeAt);
    keys.softDelete(name, now, purgeAt);
    return { status: 200, body: deletedCertificateBundle(vault, deleted) };
  },
};

const getDeletedCertificate: VaultOperation = {
  method: 'GET',
  path: '/deletedcertificates/:name',
  dataAction: 'certificates/read',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    const deleted = vault.store.certificates.deleted(name);
    if (!deleted) throw errors.deletedObjectNotFound('certificate', name);
    return { status: 200, body: deletedCertificateBundle(vault, deleted) };
  },
};

const listDeletedCertificates: VaultOperation = {
  method: 'GET',
  path: '/deletedcertificates',
  dataAction: 'certificates/read',
  handle(vault, request) {
    const { certificates } = vault.store;
    const items = certificates
      .deletedNames()
      .map((name) => deletedCertificateItem(vault, certificates.deleted(name)!));
    return {
      status: 200,
      body: pageOf(items, request.query, `${vault.origin}/deletedcertificates`),
    };
  },
};

const recoverCertificate: VaultOperation = {
  method: 'POST',
  path: '/deletedcertificates/:name/recover',
  dataAction: 'certificates/recover/action',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    assertNotInTransition(vault.store.certificates, 'certificate', name, 'recover');
    const [certificates, secrets, keys] = families(vault);
    // Rendered from the deleted object: the recovered one stays invisible until recovery ends.
    const deleted = certificates.deleted(name);
    if (!deleted || !certificates.recover(name))
      throw errors.deletedObjectNotFound('certificate', name);
    secrets.recover(name);
    keys.recover(name);
    return { status: 200, body: certificateBundle(vault, deleted.versions.at(-1)!) };
  },
};

const purgeCertificate: VaultOperation = {
  method: 'DELETE',
  path: '/deletedcertificates/:name',
  dataAction: 'certificates/purge/action',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    assertNotInTransition(vault.store.certificates, 'certificate', name, 'purge');
    const [certificates, secrets, keys] = families(vault);
    if (!certificates.purge(name)) throw errors.deletedObjectNotFound('certificate', name);
    secrets.purge(name);
    keys.purge(name);
    return { status: 204 };
  },
};

/** The certificates rows of the data-plane operation table. */
export const certificateOperations: readonly VaultOperation[] = [
  importCertificate,
  createCertificate,
  getPending,
  listCertificates,
  listCertificateVersions,
  getPolicy,
  updatePolicy,
  getCertificate,
  getLatestCertificate,
  updateCertificate,
  deleteCertificate,
  listDeletedCertificates,
  getDeletedCertificate,
  recoverCertificate,
  purgeCertificate,
];
