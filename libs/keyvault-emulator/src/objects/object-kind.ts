import { toUnixSeconds } from '../clock';
import { errors } from '../errors';
import type { OperationRequest } from '../http/operation';
import type { DeletedObject, ObjectFamilyStore, VersionedRecord } from '../storage/vault-store';
import type { VaultContext } from '../vault-context';
import {
  validateAttributes,
  validateObjectName,
  type WireAttributesInput,
} from '../secrets/secret-validation';

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
  /** RBAC data actions of the shared operations (reads, updates and the lifecycle). */
  readonly dataActions: {
    readonly get: string;
    readonly update: string;
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

/** What a PATCH of one version starts from: the version, the body and its `attributes`. */
export interface VersionUpdate<T extends VersionedRecord> {
  readonly record: T;
  readonly body: Record<string, unknown>;
  readonly attributes: WireAttributesInput;
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

/**
 * A deleted object as Key Vault answers it: the latest version's bundle (or list item) plus
 * the recovery id and the deletion and scheduled purge dates.
 */
export function renderDeleted<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  deleted: DeletedObject<T>,
  shape: 'bundle' | 'item',
): Record<string, unknown> {
  const latest = deleted.versions.at(-1)!;
  return {
    recoveryId: `${vault.origin}/deleted${spec.collection}/${deleted.name}`,
    deletedDate: toUnixSeconds(deleted.deletedMs),
    scheduledPurgeDate: toUnixSeconds(deleted.scheduledPurgeMs),
    ...(shape === 'bundle' ? spec.bundle(vault, latest) : spec.item(vault, latest, false)),
  };
}

/** Reads a PATCH of `:name/:version`: the version (or NotFound), then its body's attributes. */
export function requestedUpdate<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  vault: VaultContext,
  request: OperationRequest,
): VersionUpdate<T> {
  const record = requestedVersion(spec, vault, request);
  const body = bodyOf(request);
  return { record, body, attributes: validateAttributes(body['attributes']) };
}
