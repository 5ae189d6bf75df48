import { errors } from '../errors';
import type { OperationResult, VaultOperation } from '../http/operation';
import { pageOf } from '../http/paging';
import { assertNotInTransition } from '../lifecycle/lifecycle-conflicts';
import type { VersionedRecord } from '../storage/vault-store';
import type { VaultContext } from '../vault-context';
import { validateObjectName } from '../secrets/secret-validation';
import {
  liveVersions,
  renderDeleted,
  requestedUpdate,
  requestedVersion,
  type ObjectKindSpec,
  type VersionUpdate,
} from './object-kind';

const DAY_MS = 86_400_000;

/**
 * `GET /{collection}/:name/:version`, and `GET /{collection}/:name` without the trailing slash:
 * the version "URI fragment is optional. If not specified, the latest version of the secret is
 * returned", and the service serves both forms
 * (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret; the same for
 * certificates: https://learn.microsoft.com/rest/api/keyvault/certificates/get-certificate/get-certificate).
 */
export function getOperations<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  respond: (vault: VaultContext, record: T) => OperationResult,
): { readonly get: VaultOperation; readonly getLatest: VaultOperation } {
  const get: VaultOperation = {
    method: 'GET',
    path: `/${spec.collection}/:name/:version`,
    dataAction: spec.dataActions.get,
    handle: (vault, request) => respond(vault, requestedVersion(spec, vault, request)),
  };
  return { get, getLatest: { ...get, path: `/${spec.collection}/:name` } };
}

/** `PATCH /{collection}/:name/:version`: `apply` writes the kind's update and answers it. */
export function updateOperation<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
  apply: (vault: VaultContext, update: VersionUpdate<T>) => OperationResult,
): VaultOperation {
  return {
    method: 'PATCH',
    path: `/${spec.collection}/:name/:version`,
    dataAction: spec.dataActions.update,
    handle: (vault, request) => apply(vault, requestedUpdate(spec, vault, request)),
  };
}

/** `GET /{kind}s` and `GET /{kind}s/:name/versions`: paged item lists. */
export function listOperations<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
): { readonly list: VaultOperation; readonly listVersions: VaultOperation } {
  const { collection } = spec;
  return {
    list: {
      method: 'GET',
      path: `/${collection}`,
      dataAction: spec.dataActions.readMetadata,
      handle(vault, request) {
        const family = spec.family(vault);
        const items = family
          .names()
          .map((name) => spec.item(vault, family.versions(name)!.at(-1)!, false));
        return { status: 200, body: pageOf(items, request.query, `${vault.origin}/${collection}`) };
      },
    },
    listVersions: {
      method: 'GET',
      path: `/${collection}/:name/versions`,
      dataAction: spec.dataActions.readMetadata,
      handle(vault, request) {
        const name = validateObjectName(request.params['name']);
        const versions = spec.family(vault).versions(name) ?? [];
        const items = versions.map((record) => spec.item(vault, record, true));
        return {
          status: 200,
          body: pageOf(items, request.query, `${vault.origin}/${collection}/${name}/versions`),
        };
      },
    },
  };
}

/** The soft-delete lifecycle of one kind: delete, deleted reads, recover and purge. */
export interface LifecycleOperations {
  readonly remove: VaultOperation;
  readonly getDeleted: VaultOperation;
  readonly listDeleted: VaultOperation;
  readonly recover: VaultOperation;
  readonly purge: VaultOperation;
}

/**
 * The lifecycle rows of one kind. Each acts on the kind's family first (its answer and its
 * errors are the kind's), then on the companions. Conflicts with an unfinished transition are
 * answered by {@link assertNotInTransition}.
 */
export function lifecycleOperations<T extends VersionedRecord>(
  spec: ObjectKindSpec<T>,
): LifecycleOperations {
  const { kind, collection, dataActions } = spec;
  const deletedPath = `/deleted${collection}`;
  return {
    remove: {
      method: 'DELETE',
      path: `/${collection}/:name`,
      dataAction: dataActions.delete,
      handle(vault, request) {
        const name = validateObjectName(request.params['name']);
        const family = spec.family(vault);
        assertNotInTransition(family, kind, name, 'delete');
        const latest = liveVersions(spec, vault, name).at(-1)!;
        spec.assertDeletable?.(name, latest);
        const now = vault.clock.now();
        const purgeAt = now + vault.recoverableDays * DAY_MS;
        const deleted = family.softDelete(name, now, purgeAt)!;
        for (const companion of spec.companions(vault)) companion.softDelete(name, now, purgeAt);
        return { status: 200, body: renderDeleted(spec, vault, deleted, 'bundle') };
      },
    },
    getDeleted: {
      method: 'GET',
      path: `${deletedPath}/:name`,
      dataAction: dataActions.readMetadata,
      handle(vault, request) {
        const name = validateObjectName(request.params['name']);
        const deleted = spec.family(vault).deleted(name);
        if (!deleted) throw errors.deletedObjectNotFound(kind, name);
        return { status: 200, body: renderDeleted(spec, vault, deleted, 'bundle') };
      },
    },
    listDeleted: {
      method: 'GET',
      path: deletedPath,
      dataAction: dataActions.readMetadata,
      handle(vault, request) {
        const family = spec.family(vault);
        const items = family
          .deletedNames()
          .map((name) => renderDeleted(spec, vault, family.deleted(name)!, 'item'));
        return { status: 200, body: pageOf(items, request.query, `${vault.origin}${deletedPath}`) };
      },
    },
    recover: {
      method: 'POST',
      path: `${deletedPath}/:name/recover`,
      dataAction: dataActions.recover,
      handle(vault, request) {
        const name = validateObjectName(request.params['name']);
        const family = spec.family(vault);
        assertNotInTransition(family, kind, name, 'recover');
        // Rendered from the deleted object: the recovered one stays invisible until recovery ends.
        const deleted = family.deleted(name);
        if (!deleted || !family.recover(name)) throw errors.deletedObjectNotFound(kind, name);
        for (const companion of spec.companions(vault)) companion.recover(name);
        return { status: 200, body: spec.bundle(vault, deleted.versions.at(-1)!) };
      },
    },
    purge: {
      method: 'DELETE',
      path: `${deletedPath}/:name`,
      dataAction: dataActions.purge,
      handle(vault, request) {
        const name = validateObjectName(request.params['name']);
        const family = spec.family(vault);
        assertNotInTransition(family, kind, name, 'purge');
        if (!family.purge(name)) throw errors.deletedObjectNotFound(kind, name);
        for (const companion of spec.companions(vault)) companion.purge(name);
        return { status: 204 };
      },
    },
  };
}
