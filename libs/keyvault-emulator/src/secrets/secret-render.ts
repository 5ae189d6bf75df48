import { wireAttributes } from '../http/wire-attributes';
import type { SecretRecord } from '../storage/vault-store';
import type { VaultContext } from '../vault-context';

export const secretId = (vault: VaultContext, name: string, version?: string): string =>
  `${vault.origin}/secrets/${name}${version ? `/${version}` : ''}`;

/** The SecretBundle Key Vault returns; `includeValue` is false for PATCH/delete/recover. */
export function secretBundle(
  vault: VaultContext,
  record: SecretRecord,
  includeValue: boolean,
): Record<string, unknown> {
  return {
    ...(includeValue ? { value: record.value } : {}),
    id: secretId(vault, record.name, record.version),
    ...(record.contentType === undefined ? {} : { contentType: record.contentType }),
    attributes: wireAttributes(record, vault.recoverableDays),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
    ...(record.kid === undefined ? {} : { kid: record.kid }),
    ...(record.managed ? { managed: true } : {}),
  };
}

/** A SecretItem: list entries never carry the value; the id has a version only in version lists. */
export function secretItem(
  vault: VaultContext,
  record: SecretRecord,
  withVersion: boolean,
): Record<string, unknown> {
  return {
    id: secretId(vault, record.name, withVersion ? record.version : undefined),
    attributes: wireAttributes(record, vault.recoverableDays),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
    ...(record.contentType === undefined ? {} : { contentType: record.contentType }),
    ...(record.managed ? { managed: true } : {}),
  };
}
