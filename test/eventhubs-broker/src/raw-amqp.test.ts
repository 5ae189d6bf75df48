/**
 * Clients other than @azure/event-hubs — a plain AMQP 1.0 client (rhea) with SASL PLAIN, as a
 * script would connect — and what such clients can get wrong: malformed filters, unknown
 * addresses, odd link properties and message formats must come back as AMQP errors on that link,
 * never take the broker down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection, Receiver } from 'rhea';
import { EventHubConsumerClient } from '@azure/event-hubs';
import { internals, rhea } from '@akv-replicator/servicebus-broker/amqp';
import {
  EMULATOR_SAS_KEY,
  EMULATOR_SAS_KEY_NAME,
  startEventHubsBroker,
  type EventHubsBroker,
} from './index';
import { waitFor } from './scenarios';
import { collect } from './test-support';

const SELECTOR = 'apache.org:selector-filter:string';
const SELECTOR_CODE = 0x468c00000004;

function open(port: number): Promise<Connection> {
  const connection = rhea.create_container().connect({
    host: '127.0.0.1',
    port,
    username: EMULATOR_SAS_KEY_NAME,
    password: EMULATOR_SAS_KEY,
    reconnect: false,
  });
  return new Promise((resolve, reject) => {
    connection.once('connection_open', () => resolve(connection));
    connection.once('connection_error', reject);
    connection.once('disconnected', (context) =>
      reject(context.error ?? new Error('disconnected')),
    );
  });
}

interface LinkOutcome {
  opened: boolean;
  error?: { condition?: string; description?: string };
}

/** Opens a receiver and reports whether it stays attached or is detached with an error. */
function attachReceiver(
  connection: Connection,
  address: string,
  options: { filter?: unknown; properties?: Record<string, unknown> } = {},
): Promise<LinkOutcome & { receiver: Receiver }> {
  const receiver = connection.open_receiver({
    source: {
      address,
      ...(options.filter === undefined ? {} : { filter: { [SELECTOR]: options.filter } }),
    },
    credit_window: 0,
    ...(options.properties ? { properties: options.properties } : {}),
  });
  return new Promise((resolve) => {
    let opened = false;
    receiver.once('receiver_open', () => {
      opened = true;
      // A refused attach is answered with attach + detach in one write, so a detach would land
      // before the answer to any later frame: a round trip (a probe link) settles it, no pause.
      const probe = connection.open_sender('raw');
      probe.once('sender_open', () => {
        probe.close();
        resolve({ opened, receiver });
      });
    });
    receiver.once('receiver_close', (context) => {
      const error = context.receiver?.error as LinkOutcome['error'];
      resolve({ opened: false, receiver, ...(error ? { error } : {}) });
    });
  });
}

const selector = (expression: unknown): unknown =>
  rhea.types.wrap_described(expression, SELECTOR_CODE);

describe('plain AMQP clients and malformed requests', () => {
  let broker: EventHubsBroker;
  let connection: Connection;
  before(async () => {
    broker = await startEventHubsBroker({
      hubs: [{ name: 'raw', partitionCount: 2, consumerGroups: ['tools'] }],
    });
    connection = await open(broker.port);
  });
  after(async () => {
    connection.close();
    await broker.stop();
  });

  it('refuses a malformed selector filter with an argument error, and keeps serving', async () => {
    for (const bad of [
      "amqp.annotation.x-opt-offset = '5'",
      'drop table events',
      "amqp.annotation.x-opt-sequence-number > 'abc'",
      "amqp.annotation.x-opt-offset > '-7'",
    ]) {
      const outcome = await attachReceiver(connection, 'raw/ConsumerGroups/$Default/Partitions/0', {
        filter: selector(bad),
      });
      assert.equal(outcome.opened, false, bad);
      assert.equal(outcome.error?.condition, 'com.microsoft:argument-error', bad);
      assert.match(outcome.error?.description ?? '', /selector filter|not valid/, bad);
    }
    const notText = await attachReceiver(connection, 'raw/ConsumerGroups/$Default/Partitions/0', {
      filter: selector(42),
    });
    assert.equal(notText.error?.condition, 'com.microsoft:argument-error');
    const good = await attachReceiver(connection, 'raw/ConsumerGroups/tools/Partitions/1', {
      filter: selector("amqp.annotation.x-opt-offset > '-1'"),
    });
    assert.equal(good.opened, true);
    good.receiver.close();
  });

  it('answers unknown hubs, partitions, consumer groups and address shapes with amqp:not-found', async () => {
    for (const address of [
      'nope/ConsumerGroups/$Default/Partitions/0',
      'raw/ConsumerGroups/$Default/Partitions/2',
      'raw/ConsumerGroups/unknown/Partitions/0',
      'raw/Partitions/0',
      'raw//Partitions/0',
    ]) {
      const outcome = await attachReceiver(connection, address);
      assert.equal(outcome.error?.condition, 'amqp:not-found', address);
    }
    const sender = connection.open_sender('raw/Partitions/9');
    const condition = await new Promise<string | undefined>((resolve) =>
      sender.once('sender_close', (context) =>
        resolve((context.sender?.error as { condition?: string } | undefined)?.condition),
      ),
    );
    assert.equal(condition, 'amqp:not-found');
  });

  it('refuses an owner level that is not a number with amqp:invalid-field', async () => {
    const outcome = await attachReceiver(connection, 'raw/ConsumerGroups/$Default/Partitions/0', {
      properties: { 'com.microsoft:epoch': 'high' },
    });
    assert.equal(outcome.error?.condition, 'amqp:invalid-field');
  });

  it('refuses a sixth reader without owner level on one partition and group', async () => {
    const readers: Receiver[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await attachReceiver(connection, 'raw/ConsumerGroups/tools/Partitions/0');
      assert.equal(outcome.opened, true);
      readers.push(outcome.receiver);
    }
    const sixth = await attachReceiver(connection, 'raw/ConsumerGroups/tools/Partitions/0');
    assert.equal(sixth.error?.condition, 'amqp:resource-limit-exceeded');
    const otherGroup = await attachReceiver(connection, 'raw/ConsumerGroups/$Default/Partitions/0');
    assert.equal(otherGroup.opened, true);
    for (const receiver of [...readers, otherGroup.receiver]) receiver.close();
  });

  it('stores a plain message sent by rhea, which the SDK reads with the broker annotations', async () => {
    const sender = connection.open_sender('raw/Partitions/1');
    await new Promise<void>((resolve, reject) => {
      sender.once('sendable', () => {
        sender.send({
          message_id: 'raw-1',
          body: 'from rhea',
          application_properties: { origin: 'cli' },
        });
      });
      sender.once('accepted', () => resolve());
      sender.once('rejected', (context) =>
        reject(new Error(JSON.stringify(context.delivery?.remote_state))),
      );
    });
    const consumer = new EventHubConsumerClient('$Default', broker.connectionString('raw'));
    try {
      const got = collect(consumer, '1', { offset: '-1' });
      const [event] = await got.until(1);
      await got.subscription.close();
      assert.equal(event?.body, 'from rhea');
      assert.equal(event?.messageId, 'raw-1');
      assert.equal(event?.properties?.['origin'], 'cli');
      assert.equal(event?.sequenceNumber, 0);
      assert.equal(event?.offset, '0');
      assert.deepEqual(
        broker.events('raw', '1').map((e) => e.sequenceNumber),
        [0],
      );
    } finally {
      await consumer.close();
    }
  });

  it('rejects a transfer in an unknown message format instead of storing garbage', async () => {
    const sender = connection.open_sender('raw/Partitions/0');
    const before = broker.events('raw', '0').length;
    const outcome = await new Promise<string>((resolve) => {
      sender.once('sendable', () => {
        sender.send(Buffer.from('not an amqp message'), undefined, 0x12345678);
      });
      sender.once('accepted', () => resolve('accepted'));
      sender.once('rejected', (context) => {
        const state = context.delivery?.remote_state as
          { error?: { condition?: string } } | undefined;
        resolve(state?.error?.condition ?? 'rejected');
      });
    });
    assert.equal(outcome, 'amqp:internal-error');
    assert.equal(broker.events('raw', '0').length, before);
    // The connection survived: a well-formed message still goes through.
    await new Promise<void>((resolve) => {
      sender.send({ body: 'after' });
      sender.once('accepted', () => resolve());
    });
    assert.equal(broker.events('raw', '0').length, before + 1);
  });
  it('sends no more events than the link credit allows, and answers a drain', async () => {
    const sender = connection.open_sender('raw/Partitions/1');
    await new Promise<void>((resolve) => sender.once('sendable', () => resolve()));
    const start = broker.events('raw', '1').length;
    for (let i = 0; i < 5; i++) sender.send({ body: `credit-${i}` });
    await waitFor(() => broker.events('raw', '1').length === start + 5);
    const { receiver } = await attachReceiver(connection, 'raw/ConsumerGroups/tools/Partitions/1', {
      filter: selector(`amqp.annotation.x-opt-sequence-number >= '${start}'`),
    });
    const got: unknown[] = [];
    receiver.on('message', (context) => got.push(context.message?.body));
    receiver.add_credit(2);
    await waitFor(() => got.length === 2);
    // Nothing more may come. All five events were in the log before the credit was granted, so
    // a broker that ignored credit would send the third right behind the second, in the same
    // burst on loopback; 500 ms is ample for it to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(got, ['credit-0', 'credit-1'], 'two credits, two events');
    receiver.add_credit(10);
    await waitFor(() => got.length === 5);
    const drained = new Promise<void>((resolve) =>
      receiver.once('receiver_drained', () => resolve()),
    );
    receiver.drain_credit();
    await drained;
    assert.equal(internals(receiver).credit, 0);
    assert.equal(got.length, 5);
    receiver.close();
  });
});
