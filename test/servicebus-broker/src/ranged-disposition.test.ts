/**
 * Ranged dispositions (AMQP 1.0 §2.7.6: `first..last` with one state for every delivery in the
 * range, `last` defaulting to `first`) in both directions. rhea writes what is settled in one tick
 * as ranges: the broker must apply a client's range to every delivery in it, and its own answers
 * must tell each delivery its own outcome, even when they differ within one client range.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Connection, Delivery, Receiver } from 'rhea';
import { ServiceBusClient } from '@azure/service-bus';
import type { EmulatorConfig } from './config';
import { EMULATOR_SAS_KEY, EMULATOR_SAS_KEY_NAME, startServiceBusBroker } from './index';
import type { ServiceBusBroker } from './index';
import { rhea } from './rhea';

const CONFIG: EmulatorConfig = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          { Name: 'long-lock', Properties: { LockDuration: 'PT1M', MaxDeliveryCount: 5 } },
          { Name: 'short-lock', Properties: { LockDuration: 'PT1S', MaxDeliveryCount: 5 } },
        ],
        Topics: [],
      },
    ],
    Logging: { Type: 'Console' },
  },
};

const CLIENT_ID = 'ranged-client';

/** The disposition frames the test's own rhea client writes, from rhea's frame log. */
function recordSentDispositions(): { frames: string[]; stop: () => void } {
  // rhea logs its frames through `debug` (namespace rhea:frames); load the copy rhea uses.
  const rheaPath = createRequire(import.meta.url).resolve('rhea');
  const debug = createRequire(rheaPath)('debug') as {
    enable(namespaces: string): void;
    disable(): string;
    log: (...args: unknown[]) => void;
  };
  const frames: string[] = [];
  const previousLog = debug.log;
  debug.log = (...args: unknown[]) => {
    const line = format(...args);
    if (line.includes(`[${CLIENT_ID}]`) && line.includes('-> disposition')) frames.push(line);
  };
  debug.enable('rhea:frames');
  return {
    frames,
    stop: () => {
      debug.disable();
      debug.log = previousLog;
    },
  };
}

function open(port: number): Promise<Connection> {
  const connection = rhea.create_container().connect({
    id: CLIENT_ID,
    host: '127.0.0.1',
    port,
    username: EMULATOR_SAS_KEY_NAME,
    password: EMULATOR_SAS_KEY,
    reconnect: false,
  });
  return new Promise((resolve, reject) => {
    connection.once('connection_open', () => resolve(connection));
    connection.once('connection_error', reject);
  });
}

/** When each delivery's lock runs out, as the broker sent it (`x-opt-locked-until`). */
const lockedUntil = new WeakMap<Delivery, number>();

/**
 * Resolves once the broker's clock is past the delivery's lock: it refuses a settle with a lock
 * whose expiry has passed, so from then on the lock is lost (no guessed pause).
 */
async function pastLock(delivery: Delivery): Promise<void> {
  const until = lockedUntil.get(delivery);
  assert.ok(until !== undefined, 'the delivery carries x-opt-locked-until');
  while (Date.now() <= until) await new Promise((r) => setTimeout(r, until - Date.now() + 1));
}

/** A peek-lock receiver (the receiver settles second, as the SDK's) that takes `count` deliveries. */
async function receive(connection: Connection, queue: string, count: number): Promise<Delivery[]> {
  const receiver: Receiver = connection.open_receiver({
    source: { address: queue },
    autoaccept: false,
    credit_window: 0,
    snd_settle_mode: 0,
    rcv_settle_mode: 1,
  });
  const deliveries: Delivery[] = [];
  await new Promise<void>((resolve) => {
    receiver.on('message', (context) => {
      const until = context.message?.message_annotations?.['x-opt-locked-until'] as
        Date | number | undefined;
      if (until !== undefined) lockedUntil.set(context.delivery!, new Date(until).getTime());
      deliveries.push(context.delivery!);
      if (deliveries.length === count) resolve();
    });
    receiver.once('receiver_open', () => receiver.add_credit(count));
  });
  return deliveries;
}

/** Resolves with the state the broker settled the delivery with (its outcome name and error). */
function settledState(delivery: Delivery): Promise<string> {
  return new Promise((resolve) => {
    delivery.link.on('settled', (context) => {
      if (context.delivery !== delivery) return;
      const state = delivery.remote_state as
        { constructor: { composite_type?: string }; error?: { condition?: string } } | undefined;
      const name = state?.constructor.composite_type ?? 'none';
      resolve(state?.error?.condition ? `${name} ${state.error.condition}` : name);
    });
  });
}

describe('ranged dispositions', () => {
  let broker: ServiceBusBroker;
  let client: ServiceBusClient;
  let connection: Connection;
  before(async () => {
    broker = await startServiceBusBroker({ config: CONFIG });
    client = new ServiceBusClient(broker.connectionString);
    connection = await open(broker.port);
  });
  after(async () => {
    connection.close();
    await client.close();
    await broker.stop();
  });

  it('dead-letters every delivery of a dead-letter range with the range reason', async () => {
    await client
      .createSender('long-lock')
      .sendMessages(['a', 'b'].map((body) => ({ body, messageId: body })));
    const deliveries = await receive(connection, 'long-lock', 2);
    const recorder = recordSentDispositions();
    const answers = deliveries.map(settledState);
    try {
      for (const delivery of deliveries) {
        delivery.reject({
          condition: 'com.microsoft:dead-letter',
          info: { DeadLetterReason: 'ranged', DeadLetterErrorDescription: 'one frame' },
        });
      }
      await Promise.all(answers);
    } finally {
      recorder.stop();
    }
    const [first, last] = deliveries.map((d) => d.id);
    assert.equal(recorder.frames.length, 1, recorder.frames.join('\n'));
    assert.match(recorder.frames[0]!, new RegExp(`"last":${last}\\b`));
    assert.ok(first === 0 || recorder.frames[0]!.includes(`"first":${first}`));

    // Returns as soon as the messages are there; the bound only ends a failing run.
    const dead = await client
      .createReceiver('long-lock', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' })
      .receiveMessages(2, { maxWaitTimeInMs: 15_000 });
    assert.deepEqual(dead.map((m) => `${String(m.body)} ${m.deadLetterReason}`).sort(), [
      'a ranged',
      'b ranged',
    ]);
  });

  it('answers each delivery of one client range with its own outcome (a lost lock beside a completed one)', async () => {
    await client.createSender('short-lock').sendMessages({ body: 'expired', messageId: 'x' });
    await client.createSender('long-lock').sendMessages({ body: 'held', messageId: 'h' });
    // One session, so the two deliveries have neighbouring ids: short-lock's first.
    const [expired] = await receive(connection, 'short-lock', 1);
    const [held] = await receive(connection, 'long-lock', 1);
    assert.equal(held!.id, expired!.id + 1);
    await pastLock(expired!);
    const answers = [settledState(expired!), settledState(held!)];
    // rhea writes both accepts of this tick as one range.
    expired!.accept();
    held!.accept();
    assert.deepEqual(await Promise.all(answers), [
      'rejected com.microsoft:message-lock-lost',
      'accepted',
    ]);
    const left = await client.createReceiver('long-lock').peekMessages(5);
    assert.deepEqual(
      left.map((m) => m.body),
      [],
      'the held message was completed',
    );
    const back = await client.createReceiver('short-lock').peekMessages(5);
    assert.deepEqual(
      back.map((m) => m.body),
      ['expired'],
      'the expired one is still there',
    );
  });
});
