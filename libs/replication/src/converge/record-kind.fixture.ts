// A minimal object kind for testing the shared decisions without a vault: objects are records
// in two maps, a delete moves the record to a soft-deleted map, every write is counted. Only
// the decisions in convergeObject act on it; the real kinds live in their services.
import { convergeSuccess, secretTaskDataSchema, type ConvergeResult } from '@akv-replicator/core';
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

  constructor(readonly name: string) {}

  put(name: string, fields: Partial<TestRecord> & { updated: number }): TestRecord {
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
}

export function recordKind(
  source: RecordVault,
  replica: RecordVault,
): KindAdapter<TestRecord, TestRecord> {
  return {
    kind: 'secret',
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
