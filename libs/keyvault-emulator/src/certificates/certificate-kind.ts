import type { ObjectKindSpec } from '../objects/object-kind';
import type { CertificateRecord } from '../storage/vault-store';
import { certificateBundle, certificateItem } from './certificate-render';

/** Certificates for the operations every kind shares (see `src/objects/`). */
export const certificateKind: ObjectKindSpec<CertificateRecord> = {
  kind: 'certificate',
  collection: 'certificates',
  family: (vault) => vault.store.certificates,
  // Deleting, recovering or purging a certificate does the same to its secret and key.
  companions: (vault) => [vault.store.secrets, vault.store.keys],
  dataActions: {
    get: 'certificates/read',
    update: 'certificates/update/action',
    readMetadata: 'certificates/read',
    delete: 'certificates/delete',
    recover: 'certificates/recover/action',
    purge: 'certificates/purge/action',
  },
  bundle: certificateBundle,
  item: certificateItem,
};
