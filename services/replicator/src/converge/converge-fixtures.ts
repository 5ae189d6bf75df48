// Test fixtures shared by the converge-secret test files: one task shape and one default policy,
// so a change to the task contract or the policy is made once.
import { secretTaskDataSchema, type SecretTaskData } from '@akv-replicator/core';
import type { ConvergePolicy } from './converge-secret';

/** A secret task from kv-src to kv-dst (northeurope) for `db-password`, with `overrides`. */
export const secretTask = (overrides: Partial<SecretTaskData> = {}): SecretTaskData =>
  secretTaskDataSchema.parse({
    taskId: 't',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'db-password',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'event', id: 'e' },
    ...overrides,
  });

/** The default policy (ownership guard on, recover soft-deleted replicas) on the test's clock. */
export const testPolicy = (now: () => number): ConvergePolicy => ({
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now,
});
