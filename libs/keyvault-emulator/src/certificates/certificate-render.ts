import { toUnixSeconds } from '../clock';
import { wireAttributes } from '../http/wire-attributes';
import type { CertificateRecord, DeletedObject } from '../storage/vault-store';
import type { VaultContext } from '../vault-context';

export const certificateId = (vault: VaultContext, name: string, version?: string): string =>
  `${vault.origin}/certificates/${name}${version ? `/${version}` : ''}`;

/** The policy as Key Vault returns it: with its id and attributes. */
export function renderPolicy(
  vault: VaultContext,
  record: CertificateRecord,
): Record<string, unknown> {
  return {
    id: `${vault.origin}/certificates/${record.name}/policy`,
    ...record.policy,
    attributes: {
      enabled: true,
      created: toUnixSeconds(record.createdMs),
      updated: toUnixSeconds(record.attributes.updatedMs),
    },
  };
}

/** CertificateBundle: ids of the certificate and its backing key and secret (same version). */
export function certificateBundle(
  vault: VaultContext,
  record: CertificateRecord,
): Record<string, unknown> {
  return {
    id: certificateId(vault, record.name, record.version),
    kid: `${vault.origin}/keys/${record.name}/${record.version}`,
    sid: `${vault.origin}/secrets/${record.name}/${record.version}`,
    x5t: record.x5t,
    cer: record.cerBase64,
    contentType: record.policy.secret_props?.contentType,
    attributes: wireAttributes(record, vault.recoverableDays),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
    policy: renderPolicy(vault, record),
  };
}

export function certificateItem(
  vault: VaultContext,
  record: CertificateRecord,
  withVersion: boolean,
): Record<string, unknown> {
  return {
    id: certificateId(vault, record.name, withVersion ? record.version : undefined),
    x5t: record.x5t,
    attributes: wireAttributes(record, vault.recoverableDays),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
  };
}

function deletedFields(
  vault: VaultContext,
  deleted: DeletedObject<CertificateRecord>,
): Record<string, unknown> {
  return {
    recoveryId: `${vault.origin}/deletedcertificates/${deleted.name}`,
    deletedDate: toUnixSeconds(deleted.deletedMs),
    scheduledPurgeDate: toUnixSeconds(deleted.scheduledPurgeMs),
  };
}

export function deletedCertificateBundle(
  vault: VaultContext,
  deleted: DeletedObject<CertificateRecord>,
): Record<string, unknown> {
  return {
    ...deletedFields(vault, deleted),
    ...certificateBundle(vault, deleted.versions.at(-1)!),
  };
}

export function deletedCertificateItem(
  vault: VaultContext,
  deleted: DeletedObject<CertificateRecord>,
): Record<string, unknown> {
  return {
    ...deletedFields(vault, deleted),
    ...certificateItem(vault, deleted.versions.at(-1)!, false),
  };
}

/** The CertificateOperation of a `create`; self-signed ones complete at once. */
export function certificateOperation(
  vault: VaultContext,
  record: CertificateRecord,
  status: 'inProgress' | 'completed',
  csr: string | undefined,
): Record<string, unknown> {
  return {
    id: `${vault.origin}/certificates/${record.name}/pending`,
    issuer: { name: record.operation?.issuer ?? 'Self' },
    ...(csr ? { csr } : {}),
    cancellation_requested: false,
    status,
    ...(status === 'completed' ? { target: certificateId(vault, record.name) } : {}),
    request_id: record.operation?.requestId,
  };
}
