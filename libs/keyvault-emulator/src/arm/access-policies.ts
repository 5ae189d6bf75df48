import type { PublishedObject } from '../vault-context';
import type { VaultResource } from './vault-registry';

/**
 * Access policy updates as `PUT …/vaults/NAME/accessPolicies/{add|replace|remove}` applies them
 * (https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/update-access-policy):
 * entries are matched by tenantId + objectId + applicationId; `add` merges permissions,
 * `replace` overwrites them, `remove` takes the listed permissions away (an entry left with none
 * disappears).
 */
export type AccessPolicyOperation = 'add' | 'replace' | 'remove';

interface AccessPolicyEntry {
  tenantId?: unknown;
  objectId?: unknown;
  applicationId?: unknown;
  permissions?: Record<string, unknown>;
}

const KINDS = ['keys', 'secrets', 'certificates', 'storage'] as const;

const identityOf = (entry: AccessPolicyEntry): string =>
  [entry.tenantId, entry.objectId, entry.applicationId ?? '']
    .map((part) => String(part).toLowerCase())
    .join('|');

const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((item) => String(item).toLowerCase()) : [];

function combine(
  current: AccessPolicyEntry,
  change: AccessPolicyEntry,
  operation: AccessPolicyOperation,
): AccessPolicyEntry {
  const permissions: Record<string, string[]> = {};
  for (const kind of KINDS) {
    const have = listOf(current.permissions?.[kind]);
    const given = listOf(change.permissions?.[kind]);
    const next =
      operation === 'replace'
        ? given
        : operation === 'add'
          ? [...new Set([...have, ...given])]
          : have.filter((permission) => !given.includes(permission));
    if (next.length > 0) permissions[kind] = next;
  }
  return { ...current, permissions };
}

/** The vault's access policies after `operation` with `changes`. */
export function applyAccessPolicyUpdate(
  current: readonly unknown[],
  operation: AccessPolicyOperation,
  changes: readonly unknown[],
): AccessPolicyEntry[] {
  const result = current.map((entry) => ({ ...(entry as AccessPolicyEntry) }));
  for (const change of changes as AccessPolicyEntry[]) {
    const index = result.findIndex((entry) => identityOf(entry) === identityOf(change));
    if (index < 0) {
      if (operation !== 'remove')
        result.push(combine({ ...change, permissions: {} }, change, 'add'));
      continue;
    }
    const next = combine(result[index]!, change, operation);
    if (Object.keys(next.permissions ?? {}).length === 0) result.splice(index, 1);
    else result[index] = next;
  }
  return result;
}

/** What VaultAccessPolicyChanged is about: the vault itself (ObjectType "Vault", its URI as Id). */
export function accessPolicyChangedObject(vault: VaultResource): PublishedObject {
  return { objectType: 'Vault', id: vault.vaultUri, name: vault.name, version: '' };
}
