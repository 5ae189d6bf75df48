import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ack } from '../port/handler-result';
import type { BusContractHarness } from './harness';
import { eventually, outcomeEnvelope, sleep, uniqueName } from './helpers';

const MESSAGES = 400;
const KILL_AFTER_ACKNOWLEDGED = 150;
const BROKER_DOWN_MS = 300;

/** Broker crash: only for transports whose harness exposes a broker it can kill. */
export function brokerCases(harness: () => BusContractHarness): void {
  void it('kill -9 of the broker mid-stream loses no acknowledged message and completes none twice', async (t) => {
    const h = harness();
    const broker = h.broker;
    if (!broker) {
      t.skip(
        'the harness exposes no broker process to kill (in-process transport, or NATS_URL set)',
      );
      return;
    }
    const bus = await h.connect({ drainTimeoutMs: 2_000 });
    const topic = uniqueName('t');
    const completions = new Map<string, number>();
    await bus.subscribe(
      topic,
      { subscription: 'worker', concurrency: 4, ackWaitMs: 1_500 },
      async (envelope) => {
        await sleep(5); // slower than the publishers: a stored backlog exists at the kill
        completions.set(envelope.id, (completions.get(envelope.id) ?? 0) + 1);
        return ack();
      },
    );
    const acknowledged = new Set<string>();
    let backlogAtKill = 0;
    const chaos = (async () => {
      await eventually(
        'enough acknowledged publishes',
        () => acknowledged.size >= KILL_AFTER_ACKNOWLEDGED,
        20_000,
      );
      backlogAtKill = [...acknowledged].filter((id) => !completions.has(id)).length;
      await broker.kill();
      await sleep(BROKER_DOWN_MS);
      await broker.restart();
    })();
    const envelopes = Array.from({ length: MESSAGES }, () => outcomeEnvelope());
    // Ten publishers in parallel, so publishes are in flight at the moment of the kill.
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = worker; i < envelopes.length; i += 10) {
          const envelope = envelopes[i]!;
          await bus.publish(topic, envelope);
          acknowledged.add(envelope.id);
          await sleep(2);
        }
      }),
    );
    await chaos;
    assert.ok(backlogAtKill > 0, 'some acknowledged messages were still unconsumed at the kill');
    assert.equal(acknowledged.size, MESSAGES, 'every publish was eventually acknowledged');
    await eventually(
      'every acknowledged message handled',
      () => [...acknowledged].every((id) => completions.has(id)),
      30_000,
    ).catch((error: unknown) => {
      const missing = [...acknowledged].filter((id) => !completions.has(id));
      throw new Error(`${missing.length} acknowledged message(s) never handled`, { cause: error });
    });
    await sleep(2_000); // leave time for any late redelivery to show up
    const twice = [...completions].filter(([, count]) => count > 1);
    assert.deepEqual(twice, [], 'no message completed twice');
    await bus.close();
  });
}
