import { it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, createEnvelope } from '@akv-replicator/core';
import { createMemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { StatusBoard } from './status-board';
import { followOutcomes, tapPlannedTasks } from './status-feeds';
import { TRACE, TRACEPARENT, outcome } from './status-test-fixtures';

const task = (dryRun: boolean) =>
  createEnvelope(
    'akv.secret.task.v1',
    {
      taskId: dryRun ? 'dry-1' : 'task-1',
      link: 'payments',
      source: { name: 'kv-src' },
      objectName: 'db-password',
      replica: { name: 'kv-neu', region: 'northeurope' },
      trigger: { kind: 'event', id: 'e-1' },
      dryRun,
    },
    { id: dryRun ? 'dry-1' : 'task-1', source: '/test', traceparent: TRACEPARENT },
  );

it('tasks discovery publishes make their objects pending (not dry runs, not duplicates)', async (t) => {
  const bus = createMemoryBus();
  t.after(() => bus.close());
  const board = new StatusBoard();
  const publisher = tapPlannedTasks(bus, board);
  await publisher.publish(TOPICS.secretTasks, task(true), { routingKey: 'northeurope' });
  assert.equal(board.heldCount(), 0);
  const receipt = await publisher.publish(TOPICS.secretTasks, task(false), {
    routingKey: 'northeurope',
  });
  assert.equal(receipt.duplicate, false);
  const [pending] = board.objects().objects;
  assert.deepEqual(
    [pending?.state, pending?.taskId, pending?.traceId],
    ['pending', 'task-1', TRACE],
  );
});

it('outcomes on its own subscription settle the pending object', async (t) => {
  const bus = createMemoryBus();
  t.after(() => bus.close());
  const board = new StatusBoard();
  await tapPlannedTasks(bus, board).publish(TOPICS.secretTasks, task(false));
  const subscription = await followOutcomes(bus, board);
  t.after(() => subscription.close());
  const data = outcome({
    status: 'failure',
    reason: 'vault unavailable: 503',
    code: 'ServiceUnavailable',
  });
  await bus.publish(
    TOPICS.outcomes,
    createEnvelope('akv.outcome.v1', data, { id: data.outcomeId, source: '/test' }),
  );
  // Delivery is asynchronous: wait for the outcome to be noted (the bound only ends a failing run).
  const failed = await eventually(
    'the outcome noted on the board',
    () => {
      const [noted] = board.objects().objects;
      return noted?.state !== 'pending' && noted;
    },
    20_000,
  );
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error, 'vault unavailable: 503');
  assert.match(failed.nextStep ?? '', /transient/);
});
