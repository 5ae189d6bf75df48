import { toUnixSeconds } from '../clock';
import { wireAttributes } from '../http/wire-attributes';
import type { CertificateRecord } from '../storage/vault-store';
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
