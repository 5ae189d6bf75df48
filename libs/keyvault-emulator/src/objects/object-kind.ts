import { toUnixSeconds } from '../clock';
import { errors } from '../errors';
import type { OperationRequest } from '../http/operation';
import type { DeletedObject, ObjectFamilyStore, VersionedRecord } from '../storage/vault-store';
import type { VaultContext } from '../vault-context';
import { validateObjectName } from '../secrets/secret-validation';

/**
 * What the operations secrets and certificates share (lookup, listing, soft delete, recover,
 * purge, deleted-object rendering) need to know about one object kind. The kind-specific parts
 * (bundle and item shapes, companions, delete guards) live in the kind's own folder.
 */
export interface ObjectKindSpec<T extends VersionedRecord> {
  /** The kind errors name, e.g. `SecretNotFound`. */
  readonly kind: 'secret' | 'certificate';
  /** The URL segment of live objects; deleted ones are under `deleted` + it. */
  readonly collection: 'secrets' | 'certificates';
  /** The store of this kind in a vault. */
  readonly family: (vault: VaultContext) => ObjectFamilyStore<T>;
  /** Families deleted, recovered and purged together with this one, in that order. */
  readonly companions: (vault: VaultContext) => readonly ObjectFamilyStore<VersionedRecord>[];
  /** RBAC data actions of the shared operations (metadata reads and the lifecycle). */
  readonly dataActions: {
    readonly readMetadata: string;
    readonly delete: string;
    readonly recover: string;
    readonly purge: string;
  };
  /** Refuses a delete this kind forbids, after the object was found. */
  readonly assertDeletable?: (name: string, latest: T) => void;
  /** The bundle without secret material, as delete, recover and deleted reads answer it. */
  readonly bundle: (vault: VaultContext, record: T) => Record<string, unknown>;
  /** A list entry; the id has a version only in version lists. */
  readonly item: (vault: VaultContext, record: T, withVersion: boolean) => Record<string, unknown>;
}

/** The JSON object body of a request, or an empty one. */
export const bodyOf = (request: OperationRequest): Record<string, unknown> =>
  request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};

/** The live versions of `name`, or the kind's NotFound. */
export function liveVersions<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  name: string,
): readonly T[] {
  const versions = spec.family(vault).versions(name);
  if (!versions) throw errors.objectNotFound(spec.kind, name);
  return versions;
}

/** The version `:name/:version` of the request names (the latest without one), or NotFound. */
export function requestedVersion<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  request: OperationRequest,
): T {
  const name = validateObjectName(request.params['name']);
  const version = request.params['version'] || undefined;
  const versions = liveVersions(spec, vault, name);
  const record = version
    ? versions.find((v) => v.version === version.toLowerCase())
    : versions.at(-1);
  if (!record) throw errors.objectNotFound(spec.kind, name, version);
  return record;
}

function deletedFields(
  collection: ObjectKindSpec<VersionedRecord>['collection'],
  vault: VaultContext,
  deleted: DeletedObject<VersionedRecord>,
): Record<string, unknown> {
  return {
    recoveryId: `${vault.origin}/deleted${collection}/${deleted.name}`,
    deletedDate: toUnixSeconds(deleted.deletedMs),
    scheduledPurgeDate: toUnixSeconds(deleted.scheduledPurgeMs),
  };
}

/** The Deleted…Bundle: the latest version's bundle plus the recovery id and dates. */
export function deletedBundle<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  deleted: DeletedObject<T>,
): Record<string, unknown> {
  return {
    ...deletedFields(spec.collection, vault, deleted),
    ...spec.bundle(vault, deleted.versions.at(-1)!),
  };
}

/** The Deleted…Item of a deleted-objects list. */
export function deletedItem<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  deleted: DeletedObject<T>,
): Record<string, unknown> {
  return {
    ...deletedFields(spec.collection, vault, deleted),
    ...spec.item(vault, deleted.versions.at(-1)!, false),
  };
}
