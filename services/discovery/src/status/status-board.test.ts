import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusBoard } from './status-board';
import {
  EXPECTED,
  T0,
  TRACE,
  TRACEPARENT,
  everythingObserved,
  manualClock,
  observation,
  outcome,
} from './status-test-fixtures';

const neu = (board: StatusBoard) =>
  board.report(EXPECTED).replicas.find((r) => r.replicaVault === 'kv-neu')!;

describe('status board: listings', () => {
  it('holds each object not in sync by name with its state, parts and drift age; counts the rest', () => {
    const clock = manualClock();
    const board = new StatusBoard({ now: clock.now });
    for (const o of everythingObserved()) board.listingObserved(o);
    board.listingObserved(
      observation({
        inSync: 40,
        filtered: 3,
        notOursCount: 5,
        notInSync: [
          {
            name: 'db-password',
            state: 'drifted',
            parts: ['value', 'tags'],
            sourceUpdated: T0 - 60_000,
          },
          { name: 'api-key', state: 'missing', sourceUpdated: T0 - 600_000 },
          { name: 'legacy', state: 'not-ours' },
        ],
      }),
    );
    clock.advance(30_000);
    const replica = neu(board);
    assert.equal(replica.counts['in-sync'], 40);
    assert.equal(replica.counts.drifted, 1);
    assert.equal(replica.counts.missing, 1);
    assert.equal(replica.counts['not-ours'], 5, 'the exact count, not the sample');
    assert.equal(replica.filtered, 3);
    assert.equal(replica.oldestDriftSeconds, 630);
    const { objects } = board.objects();
    assert.deepEqual(
      objects.map((o) => [o.name, o.state]),
      [
        ['api-key', 'missing'],
        ['db-password', 'drifted'],
        ['legacy', 'not-ours'],
      ],
    );
    assert.deepEqual(objects[1]?.parts, ['value', 'tags']);
    assert.equal(objects[1]?.driftAgeSeconds, 90);
    assert.equal(board.report(EXPECTED).inSync, false);
  });

  it('a complete listing clears what it no longer finds; a partial one clears nothing', () => {
    const board = new StatusBoard({ now: manualClock().now });
    for (const o of everythingObserved()) board.listingObserved(o);
    board.listingObserved(
      observation({
        notInSync: [
          { name: 'a', state: 'missing' },
          { name: 'b', state: 'missing' },
        ],
      }),
    );
    board.listingObserved(
      observation({ observedAt: T0 + 1, inSync: 7, notInSync: [], error: 'listing failed: 503' }),
    );
    assert.deepEqual(
      board.objects().objects.map((o) => o.name),
      ['a', 'b'],
    );
    assert.equal(neu(board).error, 'listing failed: 503');
    assert.equal(neu(board).counts['in-sync'], 0, 'a partial count is not taken');
    board.listingObserved(
      observation({
        observedAt: T0 + 2,
        inSync: 8,
        notInSync: [{ name: 'b', state: 'drifted', parts: ['attributes'] }],
      }),
    );
    assert.deepEqual(
      board.objects().objects.map((o) => [o.name, o.state]),
      [['b', 'drifted']],
    );
    assert.equal(neu(board).error, undefined);
    assert.equal(neu(board).counts['in-sync'], 8);
  });
});

describe('status board: after a restart', () => {
  it('says rebuilding, never in sync, until every (link, replica, kind) had a complete listing', () => {
    const board = new StatusBoard({ now: manualClock().now });
    const empty = board.report(EXPECTED);
    assert.equal(empty.rebuilding, true);
    assert.equal(empty.inSync, false, 'nothing held is not the same as in sync');
    const [first, ...rest] = everythingObserved();
    board.listingObserved(first!);
    assert.equal(board.report(EXPECTED).rebuilding, true);
    // A partial listing of the rest does not finish the rebuild.
    for (const o of rest) board.listingObserved({ ...o, error: 'timeout' });
    assert.equal(board.report(EXPECTED).rebuilding, true);
    for (const o of rest) board.listingObserved(o);
    const built = board.report(EXPECTED);
    assert.equal(built.rebuilding, false);
    assert.equal(built.inSync, true);
    assert.deepEqual(
      built.replicas.map((r) => r.rebuilding),
      [false, false],
    );
  });
});

describe('status board: tasks and outcomes', () => {
  it('pending with task and trace id when planned; in sync with last success and lag on success', () => {
    const clock = manualClock();
    const board = new StatusBoard({
      now: clock.now,
      traceUrlTemplate: 'http://jaeger:16686/trace/{traceId}',
    });
    for (const o of everythingObserved()) board.listingObserved(o);
    board.listingObserved(
      observation({ inSync: 2, notInSync: [{ name: 'db-password', state: 'missing' }] }),
    );
    board.taskPlanned({
      kind: 'secret',
      objectName: 'db-password',
      link: 'payments',
      sourceVault: 'kv-src',
      replicaVault: 'kv-neu',
      replicaRegion: 'northeurope',
      taskId: 'task-1',
      traceparent: TRACEPARENT,
    });
    const [pending] = board.objects().objects;
    assert.equal(pending?.state, 'pending');
    assert.equal(pending?.taskId, 'task-1');
    assert.equal(pending?.traceId, TRACE);
    assert.equal(pending?.traceUrl, `http://jaeger:16686/trace/${TRACE}`);
    assert.equal(neu(board).counts.pending, 1);

    board.outcomeReceived(outcome({ lagMs: 1200 }), TRACEPARENT);
    assert.equal(board.objects().total, 0);
    const replica = neu(board);
    assert.equal(replica.counts['in-sync'], 3, 'the repaired object counts in sync');
    assert.equal(replica.lagMs?.p50, 1200);
    assert.equal(board.report(EXPECTED).inSync, true);
  });

  it('failed with error, attempts and next step; listed among recent failures; a later success clears it', () => {
    const board = new StatusBoard({ now: manualClock().now });
    for (const o of everythingObserved()) board.listingObserved(o);
    const failure = outcome({
      status: 'failure',
      action: 'failed',
      reason: 'replica write refused: 403 Forbidden',
      code: 'Forbidden',
    });
    board.outcomeReceived(failure);
    board.outcomeReceived({ ...failure, outcomeId: 'again' });
    const [failed] = board.objects({ state: 'failed' }).objects;
    assert.equal(failed?.error, 'replica write refused: 403 Forbidden');
    assert.equal(failed?.code, 'Forbidden');
    assert.equal(failed?.attempts, 2);
    assert.match(failed?.nextStep ?? '', /identity/);
    const report = board.report(EXPECTED);
    assert.equal(report.totals.failed, 1);
    assert.equal(report.recentFailures.length, 2);
    assert.equal(report.recentFailures[0]?.attempts, 2);
    board.outcomeReceived(outcome({ taskId: 'task-1' }));
    assert.equal(board.objects().total, 0);
  });

  it('a task planned after the listing was read stays pending through that listing', () => {
    const clock = manualClock();
    const board = new StatusBoard({ now: clock.now });
    clock.advance(1_000);
    board.taskPlanned({
      kind: 'secret',
      objectName: 'new-secret',
      link: 'payments',
      sourceVault: 'kv-src',
      replicaVault: 'kv-neu',
      replicaRegion: 'northeurope',
      taskId: 't-9',
    });
    board.listingObserved(observation({ observedAt: T0 }));
    assert.deepEqual(
      board.objects().objects.map((o) => o.state),
      ['pending'],
    );
    board.listingObserved(observation({ observedAt: T0 + 2_000 }));
    assert.equal(board.objects().total, 0, 'a later listing found it in sync');
  });

  it('counts an object created since the listing in sync; a copy deleted with its source no longer', () => {
    const board = new StatusBoard({ now: manualClock().now });
    board.listingObserved(observation({ inSync: 3 }));
    board.outcomeReceived(outcome({ objectName: 'brand-new', action: 'created' }));
    assert.equal(neu(board).counts['in-sync'], 4);
    board.outcomeReceived(outcome({ objectName: 'old', action: 'updated' }));
    assert.equal(neu(board).counts['in-sync'], 4, 'an update of a counted object changes nothing');
    board.outcomeReceived(outcome({ objectName: 'gone', action: 'deleted' }));
    assert.equal(neu(board).counts['in-sync'], 3);
  });

  it('ignores dry-run outcomes and planning outcomes', () => {
    const board = new StatusBoard({ now: manualClock().now });
    board.outcomeReceived(outcome({ status: 'failure', dryRun: true }));
    board.outcomeReceived(
      outcome({ service: 'discovery', action: 'reconcile-planned', objectName: undefined }),
    );
    assert.equal(board.heldCount(), 0);
  });
});

describe('status board: memory and search', () => {
  it('holds 50,000 objects in sync as a count and a bounded map of recent successes', () => {
    const board = new StatusBoard({ now: manualClock().now });
    board.listingObserved(observation({ inSync: 50_000 }));
    for (let i = 0; i < 50_000; i++)
      board.outcomeReceived(
        outcome({ objectName: `secret-${i}`, taskId: `t-${i}`, lagMs: i % 100 }),
      );
    assert.equal(board.heldCount(), 0);
    assert.equal(board.recentSuccessCount, 1_000);
    assert.equal(neu(board).counts['in-sync'], 50_000);
    assert.equal(neu(board).lagMs?.count, 512, 'lag samples are a bounded window');
  });

  it('finds objects by state and by a case-insensitive part of the object, vault or link name', () => {
    const board = new StatusBoard({ now: manualClock().now });
    board.listingObserved(
      observation({
        notInSync: [
          { name: 'Payments-DB', state: 'missing' },
          { name: 'orders-api', state: 'drifted', parts: ['tags'] },
        ],
      }),
    );
    board.listingObserved(
      observation({
        replicaVault: 'kv-eus',
        replicaRegion: 'eastus',
        notInSync: [{ name: 'x', state: 'missing' }],
      }),
    );
    assert.deepEqual(
      board.objects({ q: 'payments-db' }).objects.map((o) => o.name),
      ['Payments-DB'],
    );
    assert.deepEqual(
      board.objects({ q: 'EUS' }).objects.map((o) => o.name),
      ['x'],
    );
    assert.deepEqual(
      board.objects({ state: 'drifted' }).objects.map((o) => o.name),
      ['orders-api'],
    );
    const limited = board.objects({ limit: 1 });
    assert.equal(limited.total, 3);
    assert.equal(limited.objects.length, 1);
  });
});
