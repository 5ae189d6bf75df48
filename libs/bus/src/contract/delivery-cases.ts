import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AnyEnvelope } from '@akv-replicator/core';
import type { HandlerContext } from '../port/bus';
import { ack, retry } from '../port/handler-result';
import { traceContextInterceptor } from '../port/interceptors';
import type { BusContractHarness } from './harness';
import { eventually, outcomeEnvelope, sleep, uniqueName, gate } from './helpers';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Delivery, durability, retry delay, dedup, concurrency and routing. */
export function deliveryCases(harness: () => BusContractHarness): void {
  void it('delivers messages published before and after the consumer attaches, with key, properties and trace context', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const early = outcomeEnvelope();
    const late = outcomeEnvelope(undefined, { traceparent: TRACEPARENT });
    await bus.publish(topic, early, { routingKey: 'westeurope' });
    const seen = new Map<string, HandlerContext>();
    await bus.subscribe(topic, { subscription: 'worker' }, async (envelope, context) => {
      seen.set(envelope.id, context);
      return ack();
    });
    await bus.publish(topic, late, { routingKey: 'westeurope', properties: { link: 'prod-dr' } });
    await eventually('both messages', () => seen.size === 2);
    const context = seen.get(late.id);
    assert.ok(context && seen.has(early.id));
    assert.equal(context.deliveryCount, 1);
    assert.equal(context.routingKey, 'westeurope');
    assert.equal(context.properties['link'], 'prod-dr');
    assert.equal(context.traceContext.traceparent, TRACEPARENT);
    assert.equal(context.subscription, 'worker');
    await bus.close();
  });

  void it('redelivers after the delay a handler asked for', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const deliveries: Array<{ at: number; count: number }> = [];
    await bus.subscribe(
      topic,
      { subscription: 'worker', maxDeliveries: 5 },
      async (_envelope, context) => {
        deliveries.push({ at: performance.now(), count: context.deliveryCount });
        return deliveries.length === 1 ? retry(300, 'not yet') : ack();
      },
    );
    await bus.publish(topic, outcomeEnvelope());
    await eventually('the redelivery', () => deliveries.length >= 2);
    const [first, second] = deliveries;
    assert.ok(first && second);
    assert.equal(second.count, 2);
    // Timer granularity on a busy machine: allow 20 ms early, never a redelivery right away.
    assert.ok(
      second.at - first.at >= 280,
      `redelivered after ${Math.round(second.at - first.at)} ms`,
    );
    await sleep(100);
    assert.equal(deliveries.length, 2, 'acked message not delivered again');
    await bus.close();
  });

  void it('retries a handler that threw, after the configured backoff', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const times: number[] = [];
    await bus.subscribe(topic, { subscription: 'worker', retryBackoffMs: [250] }, async () => {
      times.push(performance.now());
      if (times.length === 1) throw new Error('vault unavailable');
      return ack();
    });
    await bus.publish(topic, outcomeEnvelope());
    await eventually('the retry', () => times.length >= 2);
    assert.ok(
      times[1]! - times[0]! >= 230,
      `retried after ${Math.round(times[1]! - times[0]!)} ms`,
    );
    await bus.close();
  });

  void it('drops a second publish with the same id inside the dedup window', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const envelope = outcomeEnvelope();
    const first = await bus.publish(topic, envelope);
    const second = await bus.publish(topic, envelope);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    let handled = 0;
    await bus.subscribe(topic, { subscription: 'worker' }, async () => {
      handled++;
      return ack();
    });
    await eventually('the first copy', () => handled === 1);
    await sleep(300);
    assert.equal(handled, 1);
    await bus.close();
  });

  void it('never runs more handlers at once than the concurrency bound, and does use it', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    let running = 0;
    let peak = 0;
    let done = 0;
    await bus.subscribe(topic, { subscription: 'worker', concurrency: 3 }, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(40);
      running--;
      done++;
      return ack();
    });
    await Promise.all(Array.from({ length: 12 }, () => bus.publish(topic, outcomeEnvelope())));
    await eventually('all 12 handled', () => done === 12);
    assert.equal(peak, 3);
    await bus.close();
  });

  void it('keeps routing lanes isolated: a stalled region does not delay another, unlisted keys are filtered out', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const stalled = gate();
    const handled: Array<{ key: string | undefined; envelope: AnyEnvelope }> = [];
    await bus.subscribe(
      topic,
      { subscription: 'regional', routingKeys: ['eastus', 'westus'], concurrency: 1 },
      async (envelope, context) => {
        if (context.routingKey === 'eastus') await stalled.promise;
        handled.push({ key: context.routingKey, envelope });
        return ack();
      },
    );
    const other: string[] = [];
    await bus.subscribe(
      topic,
      { subscription: 'west-only', routingKeys: ['westus'] },
      async (_envelope, context) => {
        other.push(context.routingKey ?? '(none)');
        return ack();
      },
    );
    for (let i = 0; i < 3; i++)
      await bus.publish(topic, outcomeEnvelope(), { routingKey: 'eastus' });
    await bus.publish(topic, outcomeEnvelope(), { routingKey: 'northeurope' });
    const west = outcomeEnvelope();
    await bus.publish(topic, west, { routingKey: 'westus' });
    await eventually(
      'westus handled while eastus is stalled',
      () => handled.some((h) => h.envelope.id === west.id),
      3_000,
    );
    assert.equal(handled.filter((h) => h.key === 'eastus').length, 0);
    stalled.open();
    await eventually(
      'eastus drained',
      () => handled.filter((h) => h.key === 'eastus').length === 3,
    );
    await sleep(150);
    assert.deepEqual(
      handled.map((h) => h.key).filter((k) => k !== 'eastus' && k !== 'westus'),
      [],
    );
    assert.deepEqual(other, ['westus']);
    await bus.close();
  });
}

/** W3C trace context from the publisher's active context to the handler, through the broker. */
export function traceCases(harness: () => BusContractHarness): void {
  void it('carries the active W3C trace context through the broker into the handler', async () => {
    const active = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'akvr=1',
    };
    const ranWith: string[] = [];
    const bus = await harness().connect({
      interceptors: [
        traceContextInterceptor({
          active: () => active,
          runWith: async (traceContext, fn) => {
            ranWith.push(traceContext.traceparent ?? '');
            return fn();
          },
        }),
      ],
    });
    const topic = uniqueName('t');
    const seen = new Map<string, HandlerContext['traceContext']>();
    await bus.subscribe(topic, { subscription: 'worker' }, async (envelope, context) => {
      seen.set(envelope.id, context.traceContext);
      return ack();
    });
    const implicit = outcomeEnvelope();
    const explicit = outcomeEnvelope(undefined, { traceparent: TRACEPARENT });
    await bus.publish(topic, implicit);
    await bus.publish(topic, explicit);
    await eventually('both messages', () => seen.size === 2);
    assert.deepEqual(seen.get(implicit.id), active);
    assert.equal(
      seen.get(explicit.id)?.traceparent,
      TRACEPARENT,
      "an envelope's own traceparent wins",
    );
    assert.deepEqual([...ranWith].sort(), [active.traceparent, TRACEPARENT].sort());
    await bus.close();
  });
}
