import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ack } from '../port/handler-result';
import { BusClosedError } from '../port/errors';
import type { BusContractHarness } from './harness';
import { eventually, outcomeEnvelope, sleep, uniqueName } from './helpers';

const ACK_WAIT_MS = 400;

/** Consumer crash and graceful drain. */
export function lifecycleCases(harness: () => BusContractHarness): void {
  void it('redelivers to another consumer when a consumer crashes with the handler unfinished', async () => {
    const crashed = await harness().connect({ drainTimeoutMs: 50 });
    const topic = uniqueName('t');
    const envelope = outcomeEnvelope();
    let started = 0;
    let abortedSignal = false;
    await crashed.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: ACK_WAIT_MS },
      async (_e, context) => {
        started++;
        context.signal.addEventListener('abort', () => {
          abortedSignal = true;
        });
        return new Promise(() => {}); // never finishes
      },
    );
    await crashed.publish(topic, envelope);
    await eventually('the first delivery', () => started === 1);
    const closedAt = performance.now();
    await crashed.close();
    assert.ok(abortedSignal, 'the handler was told to stop');
    const survivor = await harness().connect();
    const seen: number[] = [];
    await survivor.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: ACK_WAIT_MS },
      async (e, context) => {
        if (e.id === envelope.id) seen.push(context.deliveryCount);
        return ack();
      },
    );
    await eventually('the redelivery', () => seen.length === 1, 5_000);
    assert.equal(seen[0], 2);
    assert.ok(performance.now() - closedAt < 5_000);
    await survivor.close();
  });

  void it('keeps the lease while a handler runs longer than ackWait: no second consumer gets it', async () => {
    const topic = uniqueName('t');
    const first = await harness().connect();
    const second = await harness().connect();
    const deliveries: Array<{ client: string; count: number }> = [];
    let completed = 0;
    const handler = (client: string) => async (_e: unknown, context: { deliveryCount: number }) => {
      deliveries.push({ client, count: context.deliveryCount });
      await sleep(ACK_WAIT_MS * 3);
      completed++;
      return ack();
    };
    await first.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: ACK_WAIT_MS },
      handler('first'),
    );
    await second.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: ACK_WAIT_MS },
      handler('second'),
    );
    await first.publish(topic, outcomeEnvelope());
    await eventually('the long task to complete', () => completed === 1, 5_000);
    await sleep(ACK_WAIT_MS + 200);
    assert.equal(deliveries.length, 1, JSON.stringify(deliveries));
    assert.equal(deliveries[0]?.count, 1);
    await Promise.all([first.close(), second.close()]);
  });

  void it('drains on close: in-flight handlers finish and are acked, nothing new is fetched, close is idempotent', async () => {
    const first = await harness().connect({ drainTimeoutMs: 5_000 });
    const topic = uniqueName('t');
    let started = 0;
    let finished = 0;
    await first.subscribe(
      topic,
      { subscription: 'worker', concurrency: 3, ackWaitMs: ACK_WAIT_MS },
      async () => {
        started++;
        await sleep(200);
        finished++;
        return ack();
      },
    );
    const envelopes = Array.from({ length: 3 }, () => outcomeEnvelope());
    for (const envelope of envelopes) await first.publish(topic, envelope);
    await eventually('three in flight', () => started === 3);
    const closing = first.close();
    assert.equal(first.close(), closing, 'close() is idempotent');
    await assert.rejects(first.publish(topic, outcomeEnvelope()), BusClosedError);
    await closing;
    await first.closed();
    assert.equal(finished, 3, 'close waited for in-flight handlers');
    const second = await harness().connect();
    const later = outcomeEnvelope();
    const seen: string[] = [];
    await second.subscribe(topic, { subscription: 'worker', ackWaitMs: ACK_WAIT_MS }, async (e) => {
      seen.push(e.id);
      return ack();
    });
    await second.publish(topic, later);
    await eventually('the later message', () => seen.includes(later.id));
    await sleep(ACK_WAIT_MS + 200);
    assert.deepEqual(seen, [later.id], 'drained messages were acked, not redelivered');
    await second[Symbol.asyncDispose]();
  });
}
