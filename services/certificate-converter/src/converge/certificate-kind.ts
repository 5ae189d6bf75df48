import type {
  CertificateStore,
  CertificateWithPolicy,
  DeletedCertificateInfo,
} from '@akv-replicator/keyvault';
import type { KindAdapter, ObjectKindSpec, TaskStores } from '@akv-replicator/replication';
import { readCertificate } from './certificate-state';
import { convergeInPlace } from './converge-in-place';
import { prepareImport } from './import-version';
import { RecoveredView } from './recovered-view';

/**
 * The certificate kind for the shared pipeline: key material (PFX/PEM import), the replica
 * policy and the thumbprint stay here. A replica holds the source's version only when its
 * provenance names it and the thumbprints match.
 */
export function certificateKind(
  stores: TaskStores<CertificateStore>,
): KindAdapter<CertificateWithPolicy, CertificateWithPolicy, DeletedCertificateInfo> {
  return {
    kind: 'certificate',
    readSource: (name) => readCertificate(stores.source, name),
    versionOf: (source) => source,
    filterFields: (source) => ({
      name: source.name,
      contentType: source.policy.contentType,
      tags: source.tags,
    }),
    readReplica: (name) => readCertificate(stores.replica, name),
    sameContent: (source, replica) => replica.x5t === source.x5t,
    convergeInPlace: (state) => convergeInPlace(state, stores.replica),
    async disableReplica(state, replica) {
      // Keep the replica's own tags: its provenance still names the version it holds.
      await stores.replica.updateProperties(state.replicaName, replica.version, {
        enabled: false,
        tags: replica.tags,
      });
    },
    prepareWrite: (state) => prepareImport(state, stores),
    findDeleted: (name) => stores.replica.getDeletedCertificate(name),
    recover: (name) => stores.replica.recoverDeletedCertificate(name),
    delete: (name) => stores.replica.deleteCertificate(name),
    // Key Vault recovers a certificate's latest version with its tags and policy, which Get
    // Deleted Certificate already shows, so a dry run can plan past the recover:
    // https://learn.microsoft.com/rest/api/keyvault/certificates/get-deleted-certificate/get-deleted-certificate
    recoveredView: (name, deleted) =>
      certificateKind({
        source: stores.source,
        replica: new RecoveredView(stores.replica, name, deleted),
      }),
  };
}

/** The certificate kind as the certificate-converter's task handler takes it. */
export const CERTIFICATE_KIND: ObjectKindSpec<'akv.certificate.task.v1', CertificateStore> = {
  objectKind: 'certificate',
  taskType: 'akv.certificate.task.v1',
  adapter: certificateKind,
};
