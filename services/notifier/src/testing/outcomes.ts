import { outcomeDataSchema, type OutcomeData } from '@akv-replicator/core';

type OutcomeOverrides = Partial<Omit<OutcomeData, 'source' | 'replica'>> & {
  source?: OutcomeData['source'];
  replica?: OutcomeData['replica'];
};

let counter = 0;

/**
 * A schema-valid outcome as the replicator publishes it when it fails to write a secret;
 * override any field. Validated with the real schema, so fixtures cannot drift from it.
 */
export function failedOutcome(overrides: OutcomeOverrides = {}): OutcomeData {
  counter += 1;
  return outcomeDataSchema.parse({
    outcomeId: `outcome-${counter}`,
    status: 'failure',
    action: 'update',
    service: 'replicator',
    link: 'payments-dr',
    objectKind: 'secret',
    objectName: 'db-password',
    source: { name: 'kv-payments-neu', region: 'northeurope' },
    replica: { name: 'kv-payments-weu', region: 'westeurope' },
    taskId: `task-${counter}`,
    trigger: { kind: 'event', id: `evt-${counter}` },
    reason: 'Forbidden: the caller does not have secrets/set permission on vault kv-payments-weu',
    code: 'Forbidden',
    durationMs: 120,
    at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });
}
