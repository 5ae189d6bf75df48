// A minimal object kind for testing the shared decisions without a vault: objects are records
// in two maps, a delete moves the record to a soft-deleted map, every write is counted. Only
// the decisions in convergeObject act on it; the real kinds live in their services.
import {
  PROVENANCE_TAG,
  convergeSuccess,
  encodeProvenance,
  secretTaskDataSchema,
  type ConvergeResult,
} from '@akv-replicator/core';
import { VaultError } from '@akv-replicator/keyvault';
import type { ConvergePolicy, KindAdapter, ObjectTask, ObjectVersionView } from './kind-adapter';

export interface TestRecord extends ObjectVersionView {
  readonly name: string;
}

// Key Vault versions are 32 lowercase hex characters; provenance checks the format.
let lastVersion = 0;
const nextVersion = () => (++lastVersion).toString(16).padStart(32, '0');

export class RecordVault {
  readonly live = new Map<string, TestRecord>();
  readonly deleted = new Map<string, TestRecord>();
  writes = 0;
  /** The next write throws this (a vault failure other than a soft-deleted name). */
  failNextWrite: Error | undefined;

  constructor(readonly name: string) {}

  put(name: string, fields: Partial<TestRecord> & { updated: number }): TestRecord {
    const failure = this.failNextWrite;
    this.failNextWrite = undefined;
    if (failure) throw failure;
    if (this.deleted.has(name))
      throw new VaultError('deleted-recoverable', `${name} is soft-deleted`, { vault: this.name });
    const record: TestRecord = {
      name,
      version: nextVersion(),
      enabled: true,
      created: fields.updated,
      tags: {},
      ...fields,
    };
    this.live.set(name, record);
    return record;
  }

  /** A copy where the soft-deleted `name` is live again, as a recover would bring it back. */
  recoveredCopy(name: string): RecordVault {
    const copy = new RecordVault(this.name);
    for (const [key, record] of this.live) copy.live.set(key, record);
    const deleted = this.deleted.get(name);
    if (deleted) copy.live.set(name, deleted);
    return copy;
  }
}

/** What a test's kind does beyond the defaults (all absent: the plain record kind). */
export interface RecordKindOptions {
  /** KindAdapter.notOurs: why this kind's worker does not replicate a source at all. */
  readonly notOurs?: (record: TestRecord) => string | undefined;
  /** PreparedWrite.detail: appended to a dry run's plan. */
  readonly detail?: string;
  /** The kind can show a soft-deleted replica as a recover brings it back (recoveredView). */
  readonly showsDeleted?: boolean;
}

export function recordKind(
  source: RecordVault,
  replica: RecordVault,
  options: RecordKindOptions = {},
): KindAdapter<TestRecord, TestRecord> {
  return {
    kind: 'secret',
    ...(options.notOurs ? { notOurs: options.notOurs } : {}),
    ...(options.showsDeleted
      ? {
          recoveredView: (name: string) => recordKind(source, replica.recoveredCopy(name), options),
        }
      : {}),
    readSource: async (name) => source.live.get(name),
    versionOf: (record) => record,
    filterFields: (record) => record,
    readReplica: async (name) => replica.live.get(name),
    sameContent: () => true,
    convergeInPlace: async (state) =>
      convergeSuccess('unchanged', { sourceVersion: state.source.version }),
    async disableReplica(state, held) {
      replica.writes++;
      replica.live.set(state.replicaName, { ...held, enabled: false });
    },
    prepareWrite: async (state) => ({
      ...(options.detail ? { detail: options.detail } : {}),
      write: async (): Promise<ConvergeResult> => {
        const written = replica.put(state.replicaName, {
          updated: state.source.updated,
          tags: state.tags,
        });
        replica.writes++;
        return convergeSuccess(state.replica ? 'updated' : 'created', {
          sourceVersion: state.source.version,
          replicaVersion: written.version,
        });
      },
    }),
    findDeleted: async (name) => replica.deleted.get(name),
    async recover(name) {
      replica.writes++;
      replica.live.set(name, replica.deleted.get(name)!);
      replica.deleted.delete(name);
    },
    async delete(name) {
      replica.writes++;
      replica.deleted.set(name, replica.live.get(name)!);
      replica.live.delete(name);
    },
  };
}

export const recordTask = (overrides: Partial<ObjectTask> = {}): ObjectTask =>
  secretTaskDataSchema.parse({
    taskId: 't',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'db',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'event', id: 'e' },
    ...overrides,
  });

export const recordPolicy: ConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => 0,
};

/** A version no RecordVault hands out (they count up from 1): what an older write left. */
export const OLDER_VERSION = 'a'.repeat(32);

/** The provenance tag a replica carries when `sourceVault`'s `sourceVersion` was written. */
export const provenanceTags = (
  sourceVault: string,
  sourceVersion: string,
  sourceUpdated = 100,
) => ({
  [PROVENANCE_TAG]: encodeProvenance({ sourceVault, sourceVersion, sourceUpdated }),
});
