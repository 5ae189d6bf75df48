import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@akv-replicator/core/testing';
import { eventually, outcomeEnvelope } from '../contract/helpers';
import { BusClosedError, BusOptionsError } from '../port/errors';
import { ack } from '../port/handler-result';
import { createMemoryBus } from './create-memory-bus';
import { MemoryBroker } from './memory-broker';

describe('memory broker specifics', () => {
  it('accepts the same id again once the dedup window has passed (measured on its clock)', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const bus = createMemoryBus({ dedupWindowMs: 50, clock });
    const envelope = outcomeEnvelope();
    assert.equal((await bus.publish('outcomes', envelope)).duplicate, false);
    assert.equal((await bus.publish('outcomes', envelope)).duplicate, true);
    clock.advance(49);
    assert.equal((await bus.publish('outcomes', envelope)).duplicate, true, 'inside the window');
    clock.advance(1);
    assert.equal((await bus.publish('outcomes', envelope)).duplicate, false, 'window over');
    await bus.close();
  });

  it('replays only the retained messages to a subscription created later', async () => {
    const broker = new MemoryBroker({ retainedMessages: 2 });
    const bus = broker.connect();
    const envelopes = [outcomeEnvelope(), outcomeEnvelope(), outcomeEnvelope()];
    for (const envelope of envelopes) await bus.publish('outcomes', envelope);
    const seen: string[] = [];
    await bus.subscribe('outcomes', { subscription: 'late' }, async (e) => {
      seen.push(e.id);
      return ack();
    });
    // A marker published after subscribing arrives after everything the lane started with, so
    // once it is here a replay of the dropped first message would have shown.
    const marker = outcomeEnvelope();
    await bus.publish('outcomes', marker);
    await eventually('the marker after the replay', () => seen.includes(marker.id), 20_000);
    assert.deepEqual(seen, [envelopes[1]!.id, envelopes[2]!.id, marker.id]);
    await bus.close();
    broker.dispose();
  });

  it('validates names and options before touching the broker, and refuses work once closed', async () => {
    const bus = createMemoryBus();
    await assert.rejects(bus.publish('secret.tasks', outcomeEnvelope()), BusOptionsError);
    await assert.rejects(
      bus.publish('outcomes', outcomeEnvelope(), { routingKey: 'west europe' }),
      BusOptionsError,
    );
    await assert.rejects(
      bus.subscribe('outcomes', { subscription: 'w', concurrency: -1 }, async () => ack()),
      BusOptionsError,
    );
    await bus.close();
    await assert.rejects(bus.publish('outcomes', outcomeEnvelope()), BusClosedError);
    await assert.rejects(
      bus.subscribe('outcomes', { subscription: 'w' }, async () => ack()),
      BusClosedError,
    );
    await bus.closed();
  });

  it('runs publish interceptors outermost first and lets them see the receipt', async () => {
    const seen: string[] = [];
    const bus = createMemoryBus({
      interceptors: [
        {
          async publish(call, next) {
            seen.push(`outer:${call.topic}`);
            const receipt = await next(call);
            seen.push(`outer:duplicate=${receipt.duplicate}`);
            return receipt;
          },
        },
        {
          async publish(call, next) {
            seen.push('inner');
            return next(call);
          },
        },
      ],
    });
    await bus.publish('outcomes', outcomeEnvelope());
    assert.deepEqual(seen, ['outer:outcomes', 'inner', 'outer:duplicate=false']);
    await bus.close();
  });
});
