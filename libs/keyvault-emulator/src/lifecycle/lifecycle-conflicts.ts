import { errors, type ObjectKind } from '../errors';
import type { ObjectFamilyStore, VersionedRecord } from '../storage/vault-store';

/** What a request wants to do with a name that may be in transition. */
export type LifecycleAction = 'create' | 'delete' | 'recover' | 'purge';

/**
 * Answers the 409 Key Vault sends while a delete, recover or purge of `name` is unfinished.
 * Creating (set, import, create, restore) while the name is being deleted or purged:
 * `ObjectIsBeingDeleted`, "… is currently being deleted and cannot be re-created; retry later."
 * (Azure/azure-sdk-for-net#34322 shows the service's body). Purging or recovering while the
 * delete runs: `ObjectIsBeingDeleted`, "… is currently being deleted." (the .NET SDK documents
 * that a caller must wait for the delete operation before purging or recovering:
 * https://learn.microsoft.com/dotnet/api/azure.security.keyvault.secrets.deletesecretoperation.value;
 * hashicorp/terraform-provider-azurerm#10454 shows the body). Anything but reads while a recover
 * runs: `ObjectIsBeingRecovered` (Azure/azure-sdk-for-net#31581). Both are `Conflict`, the
 * "multiple operations on the same item" error of
 * https://learn.microsoft.com/azure/key-vault/general/common-error-codes.
 * Other cases fall through: a second delete finds nothing live (404), and recover or purge of a
 * name being purged finds nothing deleted (404).
 */
export function assertNotInTransition<T extends VersionedRecord>(
  family: ObjectFamilyStore<T>,
  kind: ObjectKind,
  name: string,
  action: LifecycleAction,
): void {
  const pending = family.pending(name);
  if (pending === undefined) return;
  if (pending === 'recovering') throw errors.beingRecovered(kind, name);
  if (action === 'create') throw errors.beingDeleted(kind, name, { recreate: true });
  if (pending === 'deleting' && (action === 'recover' || action === 'purge'))
    throw errors.beingDeleted(kind, name, { recreate: false });
}
