/**
 * Settlements of different messages that land in the same tick must each keep their own outcome.
 * rhea 3.0.5 (under @azure/service-bus 7.9.x) writes the dispositions of one tick as ranges and
 * gives a range the outcome of its first delivery (see settlement-queue.ts). Before the lane
 * queued its settlements, the client wrote `disposition first=0 last=1 state=accepted` for a
 * complete of delivery 0 and a dead-letter of delivery 1: "complete then dead-letter" and
 * "complete then abandon" failed here with the second message completed (gone, neither in the
 * dead-letter queue nor redelivered), and so did the mixed case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';
import { ack, reject, retry, type Bus, type HandlerResult } from '@akv-replicator/bus';
import { eventually, gate, outcomeEnvelope, sleep, uniqueName } from '@akv-replicator/bus/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from './connect-servicebus-bus';
import { brokerProvisioner } from './testing/broker-support';

type Plan = 'complete' | 'dead-letter' | 'abandon';

// Every neighbour pair mixes a success and a failure.
const MIXED: readonly Plan[] = [
  'complete',
  'dead-letter',
  'complete',
  'abandon',
  'dead-letter',
  'complete',
  'abandon',
  'complete',
];

/**
 * What happened to one message, told by what the broker did with it: delivered once and gone
 * (completed), delivered again with its delivery count + 1 (abandoned), or in the dead-letter
 * queue with the handler's reason.
 */
function fateOf(index: number, deliveries: readonly number[], deadLetterReason?: string): string {
  const dead = deadLetterReason === undefined ? '' : ` → dead-lettered "${deadLetterReason}"`;
  return `#${index} delivered [${deliveries.join(', ')}]${dead}`;
}

function expectedFate(plan: Plan, index: number): string {
  if (plan === 'complete') return fateOf(index, [1]);
  if (plan === 'abandon') return fateOf(index, [1, 2]);
  return fateOf(index, [1], `rejected #${index}`);
}

describe('Service Bus lane: settlements of one tick', () => {
  let broker: ServiceBusBroker;
  let bus: Bus;
  before(async () => {
    broker = await startServiceBusBroker();
    bus = connectServiceBusBus({
      connectionString: broker.connectionString,
      provisioner: brokerProvisioner(broker),
    });
  });
  after(async () => {
    await bus.close();
    await broker.stop();
  });

  // A success next to a failure, in both orders: the pair rhea 3.0.5 merged into one range.
  for (const pair of [
    ['complete', 'dead-letter'],
    ['dead-letter', 'complete'],
    ['complete', 'abandon'],
    ['abandon', 'complete'],
  ] as const) {
    it(`settles ${pair.join(' then ')} in one tick, each with its own outcome`, async () => {
      await settleInOneTick(pair);
    });
  }

  it('settles eight mixed outcomes in one tick, each with its own outcome', async () => {
    await settleInOneTick(MIXED);
  });

  async function settleInOneTick(plan: readonly Plan[]): Promise<void> {
    const topic = uniqueName('same-tick');
    const envelopes = plan.map(() => outcomeEnvelope());
    const indexOf = new Map(envelopes.map((e, i) => [e.id, i]));
    const deliveries = plan.map((): number[] => []);
    const allArrived = gate();
    let firstDeliveries = 0;
    await bus.subscribe(
      topic,
      { subscription: 'worker', concurrency: plan.length },
      async (envelope, context): Promise<HandlerResult> => {
        const index = indexOf.get(envelope.id)!;
        deliveries[index]!.push(context.deliveryCount);
        if (context.deliveryCount > 1) return ack();
        if (++firstDeliveries === plan.length) allArrived.open();
        // Every handler resumes in the same microtask run, so the lane settles them before
        // rhea's next write, in delivery order.
        await allArrived.promise;
        const planned = plan[index]!;
        if (planned === 'complete') return ack();
        if (planned === 'abandon') return retry(0, 'redeliver now');
        return reject(`rejected #${index}`);
      },
    );
    for (const envelope of envelopes) await bus.publish(topic, envelope);

    const abandoned = plan.flatMap((planned, i) => (planned === 'abandon' ? [i] : []));
    // An abandoned message that was completed instead never comes back: wait a bounded time,
    // then compare every fate at once.
    await eventually(
      'the abandoned messages to be redelivered',
      () => abandoned.every((i) => deliveries[i]!.length === 2),
      5_000,
    ).catch(() => undefined);
    await sleep(300);

    const letters = await bus.deadLetters(topic);
    const reasonOf = new Map(letters.map((l) => [l.envelopeId, l.reason]));
    const fates = envelopes.map((e, i) => fateOf(i, deliveries[i]!, reasonOf.get(e.id)));
    assert.deepEqual(fates, plan.map(expectedFate));

    // Nothing is left in the subscription: the completed messages are gone.
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const peeked = await client.createReceiver(topic, 'worker').peekMessages(plan.length);
      assert.deepEqual(peeked, []);
    } finally {
      await client.close();
    }
  }
});
