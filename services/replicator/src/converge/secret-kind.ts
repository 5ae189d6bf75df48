import {
  PROVENANCE_TAG,
  convergeSuccess,
  convergeWouldDo,
  readProvenance,
  withoutProvenance,
  type ConvergeResult,
} from '@akv-replicator/core';
import {
  sameAttributes,
  type DeletedSecretInfo,
  type SecretStore,
  type SecretVersionInfo,
  type SecretWrite,
} from '@akv-replicator/keyvault';
import type {
  ConvergeState,
  KindAdapter,
  ObjectKindSpec,
  TaskStores,
} from '@akv-replicator/replication';
import { olderVersionsToCopy } from './history';
import { propertiesOf, readSecretState, type SecretState } from './secret-state';
import { writeSecretValue } from './write-secret-value';

/** A live source secret: readable (with value) or disabled (properties only). */
export type SourceSecret = Exclude<SecretState, { kind: 'missing' }>;
type State = ConvergeState<SourceSecret, SecretVersionInfo>;

/** The secret kind for the shared pipeline: values, attributes and history stay here. */
export function secretKind(
  stores: TaskStores<SecretStore>,
): KindAdapter<SourceSecret, SecretVersionInfo, DeletedSecretInfo> {
  return {
    kind: 'secret',
    async readSource(name) {
      const state = await readSecretState(stores.source, name);
      return state.kind === 'missing' ? undefined : state;
    },
    versionOf: (source) => ({ ...propertiesOf(source)!, enabled: source.kind === 'enabled' }),
    notOurs: (source) =>
      propertiesOf(source)?.managed
        ? 'certificate-backed secret: the certificate-converter replicates its certificate'
        : undefined,
    filterFields: (source) => propertiesOf(source)!,
    readReplica: async (name) => propertiesOf(await readSecretState(stores.replica, name)),
    // Provenance names the source version, and a version's value never changes.
    sameContent: () => true,
    convergeInPlace: (state) => updateInPlace(stores.replica, state),
    async disableReplica(state, replica) {
      // Switch it off, keeping the replica's own provenance, or its lack of one: it still holds
      // its own value, not the disabled source version (unreadable), and provenance naming that
      // version would let a later run take the old value for current once the source is enabled
      // again (a replica taken over with overwriteUnowned, or a two-way replica without one).
      const desired = desiredWrite(state);
      const held = replica.tags[PROVENANCE_TAG];
      const tags = {
        ...withoutProvenance(desired.tags),
        ...(held === undefined ? {} : { [PROVENANCE_TAG]: held }),
      };
      await stores.replica.updateProperties(state.replicaName, replica.version, {
        ...desired,
        enabled: false,
        tags,
      });
    },
    async prepareWrite(state) {
      const { source, task } = state;
      if (source.kind !== 'enabled')
        throw new Error(`${task.objectName}: a disabled source secret has no value to write`);
      const older = await olderVersionsToCopy(
        task,
        stores.source,
        source.secret.version,
        state.ours ? readProvenance(state.replica?.tags) : undefined,
      );
      return {
        ...(older.length
          ? { detail: ` (after ${older.length} older version(s) of its history)` }
          : {}),
        write: () => writeSecretValue(state, source.secret, desiredWrite(state), stores, older),
      };
    },
    findDeleted: (name) => stores.replica.getDeletedSecret(name),
    recover: (name) => stores.replica.recoverDeletedSecret(name),
    delete: (name) => stores.replica.deleteSecret(name),
  };
}

/** The secret kind as the replicator's task handler takes it. */
export const SECRET_KIND: ObjectKindSpec<'akv.secret.task.v1', SecretStore> = {
  objectKind: 'secret',
  taskType: 'akv.secret.task.v1',
  adapter: secretKind,
};

/** The source's attributes with the replica's tags (source tags plus provenance). */
function desiredWrite(state: State): SecretWrite {
  const source = propertiesOf(state.source)!;
  return {
    enabled: source.enabled,
    notBefore: source.notBefore,
    expires: source.expires,
    contentType: source.contentType,
    tags: state.tags,
  };
}

/** Same value: at most the attributes changed (on either side). */
async function updateInPlace(replicaStore: SecretStore, state: State): Promise<ConvergeResult> {
  const { task, replicaName, target } = state;
  const replica = state.replica!;
  const desired = desiredWrite(state);
  const ids = { sourceVersion: target.sourceVersion, replicaVersion: replica.version };
  if (
    sameAttributes(replica, desired) &&
    readProvenance(replica.tags)?.sourceUpdated === target.sourceUpdated
  )
    return convergeSuccess('unchanged', ids);
  const action = state.source.kind === 'disabled' ? 'disabled' : 'properties-updated';
  if (task.dryRun) return convergeWouldDo(action, `${replicaName} in ${task.replica.name}`, ids);
  const updated = await replicaStore.updateProperties(replicaName, replica.version, desired);
  return convergeSuccess(action, { ...ids, replicaVersion: updated.version });
}
