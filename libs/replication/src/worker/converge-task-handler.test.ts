// The worker skeleton both converging services share: the default retry schedule is core's
// CONVERGE_TASK_RETRY (1 s doubling to 30 s, by delivery), a non-retryable failure is final,
// and every settled task publishes exactly one outcome naming its kind and service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ReplicatorError,
  createEnvelope,
  type Envelope,
  type OutcomeData,
} from '@akv-replicator/core';
import type { HandlerContext, Publisher } from '@akv-replicator/bus';
import { VaultError } from '@akv-replicator/keyvault';
import { RecordVault, recordKind, recordTask } from '../converge/record-kind.fixture';
import { createConvergeTaskHandler } from './converge-task-handler';

const envelope = createEnvelope('akv.secret.task.v1', recordTask(), {
  source: '/test',
}) as Envelope<'akv.secret.task.v1'>;
const context = (deliveryCount: number) =>
  ({ deliveryCount, topic: 'secret-tasks', subscription: 's' }) as HandlerContext;

/** A handler over record vaults; `fail` makes every replica read throw it. */
function world(fail?: Error, retryDelaysMs?: readonly number[]) {
  const outcomes: OutcomeData[] = [];
  const publisher: Publisher = {
    publish: async (_topic, published) => {
      outcomes.push(published.data as OutcomeData);
      return { id: published.id, duplicate: false } as Awaited<ReturnType<Publisher['publish']>>;
    },
  };
  const vaults = { 'kv-src': new RecordVault('kv-src'), 'kv-dst': new RecordVault('kv-dst') };
  vaults['kv-src'].put('db', { updated: 100 });
  const handle = createConvergeTaskHandler<'akv.secret.task.v1', RecordVault>({
    service: 'test-worker',
    source: '/test-worker',
    kind: {
      objectKind: 'secret',
      taskType: 'akv.secret.task.v1',
      adapter: ({ source, replica }) => {
        const kind = recordKind(source, replica);
        return fail ? { ...kind, readReplica: () => Promise.reject(fail) } : kind;
      },
    },
    stores: (vault) => vaults[vault.name as keyof typeof vaults],
    policy: { overwriteUnowned: false, softDeletedAtReplica: 'recover' },
    publisher,
    maxDeliveries: 8,
    ...(retryDelaysMs ? { retryDelaysMs } : {}),
  });
  return { handle, outcomes };
}

describe('createConvergeTaskHandler', () => {
  it('acks a converged task and publishes its outcome with the service and kind', async () => {
    const { handle, outcomes } = world();
    assert.deepEqual(await handle(envelope, context(1)), { kind: 'ack' });
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.action, o.service, o.objectKind]),
      [['success', 'created', 'test-worker', 'secret']],
    );
  });

  it('retries by CONVERGE_TASK_RETRY by default: 1 s doubling, capped at 30 s', async () => {
    const { handle, outcomes } = world(new VaultError('unavailable', 'down', { vault: 'kv-dst' }));
    const delays = [];
    for (const delivery of [1, 2, 3, 5, 6, 7]) {
      const result = await handle(envelope, context(delivery));
      assert.equal(result.kind, 'retry');
      if (result.kind === 'retry') delays.push(result.delayMs);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 16000, 30000, 30000]);
    assert.equal(outcomes.length, 0, 'nothing is published while the task is retried');
  });

  it('takes configured delays instead (the last one repeats)', async () => {
    const { handle } = world(new VaultError('unavailable', 'down', { vault: 'kv-dst' }), [5, 7]);
    const delay = async (n: number) => {
      const result = await handle(envelope, context(n));
      return result.kind === 'retry' ? result.delayMs : undefined;
    };
    assert.deepEqual([await delay(1), await delay(2), await delay(4)], [5, 7, 7]);
  });

  it('acks a non-retryable failure at once with a failure outcome', async () => {
    const refused = new ReplicatorError('refused', { code: 'Refused', retryable: false });
    const { handle, outcomes } = world(refused);
    assert.deepEqual(await handle(envelope, context(1)), { kind: 'ack' });
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code]),
      [['failure', 'Refused']],
    );
  });
});
