import { errors } from '../errors';
import type { ObjectKindSpec } from '../objects/object-kind';
import type { SecretRecord } from '../storage/vault-store';
import { secretBundle, secretItem } from './secret-render';

/** Secrets for the operations every kind shares (see `src/objects/`). */
export const secretKind: ObjectKindSpec<SecretRecord> = {
  kind: 'secret',
  collection: 'secrets',
  family: (vault) => vault.store.secrets,
  companions: () => [],
  dataActions: {
    get: 'secrets/getSecret/action',
    update: 'secrets/update/action',
    readMetadata: 'secrets/readMetadata/action',
    delete: 'secrets/delete',
    recover: 'secrets/recover/action',
    purge: 'secrets/purge/action',
  },
  // A certificate's secret goes with its certificate, never on its own.
  assertDeletable: (name, latest) => {
    if (latest.managed) throw errors.managedByCertificate(name, 'delete');
  },
  // Delete, recover and deleted reads never carry the value.
  bundle: (vault, record) => secretBundle(vault, record, false),
  item: secretItem,
};
