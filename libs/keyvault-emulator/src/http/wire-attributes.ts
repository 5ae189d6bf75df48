import { toUnixSeconds } from '../clock';
import type { ObjectAttributes, VersionedRecord } from '../storage/vault-store';
import { RECOVERY_LEVEL } from '../vault-context';

/** Key Vault's `attributes` object: Unix seconds, recovery level and retention. */
export function wireAttributes(
  record: VersionedRecord & { readonly attributes: ObjectAttributes },
  recoverableDays: number,
): Record<string, unknown> {
  const { attributes } = record;
  return {
    enabled: attributes.enabled,
    ...(attributes.notBeforeMs === undefined ? {} : { nbf: toUnixSeconds(attributes.notBeforeMs) }),
    ...(attributes.expiresMs === undefined ? {} : { exp: toUnixSeconds(attributes.expiresMs) }),
    created: toUnixSeconds(record.createdMs),
    updated: toUnixSeconds(attributes.updatedMs),
    recoveryLevel: RECOVERY_LEVEL,
    recoverableDays,
  };
}
