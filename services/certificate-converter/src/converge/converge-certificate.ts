import type { CertificateTaskData, ConvergeResult } from '@akv-replicator/core';
import type { CertificateStore } from '@akv-replicator/keyvault';
import { convergeObject, type ConvergePolicy, type TaskStores } from '@akv-replicator/replication';
import { certificateKind } from './certificate-kind';

export type CertificateConvergePolicy = ConvergePolicy;
export type CertificateConvergeStores = TaskStores<CertificateStore>;

/**
 * Converges one certificate in one replica through the shared pipeline (convergeObject with the
 * certificate kind): imports the source's latest version with its exportable key when the
 * replica's provenance does not name it (or the thumbprints differ), then keeps the replica's
 * policy (without auto-renew), enabled state and tags in line. Non-exportable keys and
 * protected material are warnings. Throws VaultError for failures the bus should retry.
 */
export function convergeCertificate(
  task: CertificateTaskData,
  stores: CertificateConvergeStores,
  policy: CertificateConvergePolicy,
): Promise<ConvergeResult> {
  return convergeObject(task, certificateKind(stores), policy);
}
