import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEnvelope } from '@akv-replicator/core';
import { outcomeEnvelope } from '../contract/helpers';
import type { HandlerResult } from '../port/handler-result';
import { ack } from '../port/handler-result';
import type { BusInterceptor } from '../port/interceptors';
import { resolveSubscribeOptions } from '../port/options';
import { CompletedIds } from './completed-ids';
import type { Delivery } from './delivery';
import { DeliveryRunner } from './delivery-runner';

type Settlement =
  { kind: 'ack' } | { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: string };

function recordedDelivery(
  body: Uint8Array,
  deliveryCount: number,
): { delivery: Delivery; settled: Promise<Settlement> } {
  let settle!: (s: Settlement) => void;
  const settled = new Promise<Settlement>((resolve) => (settle = resolve));
  const delivery: Delivery = {
    body,
    deliveryCount,
    routingKey: undefined,
    properties: {},
    traceContext: {},
    ack: async () => settle({ kind: 'ack' }),
    retry: async (delayMs) => settle({ kind: 'retry', delayMs }),
    deadLetter: async (reason) => settle({ kind: 'dead-letter', reason }),
    working: () => {},
  };
  return { delivery, settled };
}

function runner(
  handler: () => Promise<HandlerResult>,
  completed = new CompletedIds(60_000),
  interceptors: BusInterceptor[] = [],
): DeliveryRunner {
  return new DeliveryRunner({
    topic: 'outcomes',
    options: resolveSubscribeOptions({ subscription: 'w', maxDeliveries: 3, retryBackoffMs: [40] }),
    handler,
    interceptors,
    completed,
    onError: () => {},
  });
}

describe('DeliveryRunner', () => {
  it('treats a handler that returns nothing as a retry with backoff (never a silent ack)', async () => {
    const r = runner(async () => undefined as unknown as HandlerResult);
    const { delivery, settled } = recordedDelivery(encodeEnvelope(outcomeEnvelope()), 1);
    r.slots.tryAcquire();
    r.run(delivery);
    assert.deepEqual(await settled, { kind: 'retry', delayMs: 40 });
  });

  it('dead-letters a delivery past maxDeliveries without calling the handler', async () => {
    let called = false;
    const r = runner(async () => {
      called = true;
      return ack();
    });
    const { delivery, settled } = recordedDelivery(encodeEnvelope(outcomeEnvelope()), 4);
    r.slots.tryAcquire();
    r.run(delivery);
    const result = await settled;
    assert.equal(result.kind, 'dead-letter');
    assert.match((result as { reason: string }).reason, /delivery limit 3 exceeded/);
    assert.equal(called, false);
  });

  it('acks a redelivery of an id it already completed without running the handler again', async () => {
    const completed = new CompletedIds(60_000);
    const envelope = outcomeEnvelope();
    completed.add(envelope.id);
    let called = 0;
    const r = runner(async () => {
      called++;
      return ack();
    }, completed);
    const { delivery, settled } = recordedDelivery(encodeEnvelope(envelope), 2);
    r.slots.tryAcquire();
    r.run(delivery);
    assert.deepEqual(await settled, { kind: 'ack' });
    assert.equal(called, 0);
  });

  it('runs handle interceptors outermost first, around the handler', async () => {
    const order: string[] = [];
    const tag = (name: string): BusInterceptor => ({
      async handle(call, next) {
        order.push(`${name}>`);
        const result = await next(call);
        order.push(`<${name}:${result.kind}`);
        return result;
      },
    });
    const r = runner(
      async () => {
        order.push('handler');
        return ack();
      },
      undefined,
      [tag('outer'), tag('inner')],
    );
    const { delivery, settled } = recordedDelivery(encodeEnvelope(outcomeEnvelope()), 1);
    r.slots.tryAcquire();
    r.run(delivery);
    await settled;
    assert.deepEqual(order, ['outer>', 'inner>', 'handler', '<inner:ack', '<outer:ack']);
  });
});
