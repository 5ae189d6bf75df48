import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutcomeData } from '@akv-replicator/core';
import { MAX_REMEMBERED_EVENTS, createOutcomeDescriber } from './describe-outcome';

const outcome = (over: Partial<OutcomeData>): OutcomeData => ({
  outcomeId: 'o-1',
  status: 'success',
  action: 'created',
  service: 'replicator',
  objectName: 'db-password',
  replica: { name: 'kv-neu', region: 'northeurope' } as OutcomeData['replica'],
  dryRun: false,
  at: '2030-01-01T00:00:01.047Z',
  ...over,
});

describe('up --local replication lines', () => {
  it('time a replication from the event, in milliseconds, not from the whole-second created', () => {
    const lines = createOutcomeDescriber();
    lines.event('ev-1', '2030-01-01T00:00:01.0001234Z');
    assert.equal(
      lines.describe(
        outcome({ trigger: { kind: 'event', id: 'ev-1' }, lagMs: 1_047 /* from created */ }),
      ),
      '  ✓ created db-password in kv-neu (northeurope) 47 ms after the event',
    );
  });

  it('say what triggered a replication no event announced, with no made-up lag', () => {
    const lines = createOutcomeDescriber();
    assert.equal(
      lines.describe(
        outcome({ status: 'warning', trigger: { kind: 'reconcile', id: 'r-1' }, lagMs: 400 }),
      ),
      '  ! created db-password in kv-neu (northeurope) (reconcile)',
    );
    assert.equal(
      lines.describe(outcome({ status: 'failure', trigger: { kind: 'event', id: 'unseen' } })),
      '  ✗ created db-password in kv-neu (northeurope) (event)',
    );
  });

  it('remember a bounded number of events', () => {
    const lines = createOutcomeDescriber();
    for (let i = 0; i <= MAX_REMEMBERED_EVENTS; i++)
      lines.event(`ev-${i}`, '2030-01-01T00:00:01.000Z');
    const of = (id: string) => lines.describe(outcome({ trigger: { kind: 'event', id } }));
    assert.match(of('ev-0'), /\(event\)$/, 'the oldest is forgotten');
    assert.match(of(`ev-${MAX_REMEMBERED_EVENTS}`), /47 ms after the event$/);
  });
});
