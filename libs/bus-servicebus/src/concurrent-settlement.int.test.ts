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
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';
import { ack, reject, retry, type Bus, type HandlerResult } from '@akv-replicator/bus';
import { eventually, gate, outcomeEnvelope, uniqueName } from '@akv-replicator/bus/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from './connect-servicebus-bus';
import { brokerProvisioner } from './testing/broker-support';

type Plan = 'complete' | 'dead-letter' | 'abandon';

/** Generous: settling takes milliseconds; the bound only ends a run where a fate is wrong. */
const SETTLE_TIMEOUT_MS = 20_000;

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

    // Settled means every fate is in and nothing is left in the subscription (an abandoned
    // message's second complete has reached the broker), so nothing more can happen. A wrong
    // fate (a message completed instead of abandoned never comes back) only costs the bound;
    // the comparison then shows every fate at once.
    const expected = { fates: plan.map(expectedFate), left: [] as string[] };
    let seen = { fates: [] as string[], left: [] as string[] };
    await eventually(
      'every message to meet its planned fate, none left in the subscription',
      async () => {
        const letters = await bus.deadLetters(topic);
        const reasonOf = new Map(letters.map((l) => [l.envelopeId, l.reason]));
        const fates = envelopes.map((e, i) => fateOf(i, deliveries[i]!, reasonOf.get(e.id)));
        // Peeking opens a link: only once the fates look right.
        const left = isDeepStrictEqual(fates, expected.fates)
          ? await leftIn(topic, plan.length)
          : [];
        seen = { fates, left };
        return isDeepStrictEqual(fates, expected.fates) && left.length === 0;
      },
      SETTLE_TIMEOUT_MS,
    ).catch(() => undefined);
    assert.deepEqual(seen, expected);
  }

  /** The ids of the messages still in the subscription (locked ones included). */
  async function leftIn(topic: string, max: number): Promise<string[]> {
    // A fresh receiver each time: a receiver's peeks go on from the last message it peeked.
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const peeked = await client.createReceiver(topic, 'worker').peekMessages(max);
      return peeked.map((m) => String(m.messageId));
    } finally {
      await client.close();
    }
  }
});
