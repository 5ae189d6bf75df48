/**
 * The broker driven through the unmodified `@azure/service-bus` client, the way our transport and
 * any user's tooling will drive it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { startServiceBusBroker, type ServiceBusBroker } from './index';
import { TEST_CONFIG } from './test-config';

/** Receives that expect a message return as soon as it is there: the bound only ends a failure. */
const WAIT = { maxWaitTimeInMs: 15_000 };
/**
 * Receives that expect nothing more. The broker runs in this process on loopback and puts a
 * message that is available on the link as soon as the receiver grants credit, so an available
 * message arrives within milliseconds; 300 ms is ample. Checks that must outlast a lock wait
 * for it explicitly (`pastLock`).
 */
const NOTHING = { maxWaitTimeInMs: 300 };
/** The wait that outlasts a lock held until `lockedUntil`, with room for the broker's timer. */
const pastLock = (lockedUntil: number) => ({
  maxWaitTimeInMs: Math.max(0, lockedUntil - Date.now()) + 500,
});

describe('Service Bus test broker through @azure/service-bus', () => {
  let broker: ServiceBusBroker;
  let client: ServiceBusClient;

  before(async () => {
    broker = await startServiceBusBroker({ config: TEST_CONFIG });
    client = new ServiceBusClient(broker.connectionString);
  });
  after(async () => {
    await client.close();
    await broker.stop();
  });

  async function sendToTopic(
    ...messages: Array<{ id: string; region?: string; body?: unknown }>
  ): Promise<void> {
    const sender = client.createSender('tasks');
    for (const m of messages) {
      await sender.sendMessages({
        messageId: m.id,
        body: m.body ?? { id: m.id },
        applicationProperties: m.region ? { region: m.region } : {},
      });
    }
    await sender.close();
  }

  async function drain(topic: string, subscription: string): Promise<ServiceBusReceivedMessage[]> {
    const receiver = client.createReceiver(topic, subscription, {
      receiveMode: 'receiveAndDelete',
    });
    const all: ServiceBusReceivedMessage[] = [];
    for (;;) {
      const batch = await receiver.receiveMessages(50, NOTHING);
      if (batch.length === 0) break;
      all.push(...batch);
    }
    await receiver.close();
    return all;
  }

  it('delivers a sent message peek-locked with lock token, sequence number and enqueued time; complete removes it', async () => {
    await sendToTopic({ id: 'm-complete', body: { hello: 'world' } });
    const receiver = client.createReceiver('tasks', 'all');
    const [message] = await receiver.receiveMessages(1, WAIT);
    assert.ok(message);
    assert.deepEqual(message.body, { hello: 'world' });
    assert.equal(message.messageId, 'm-complete');
    assert.equal(message.deliveryCount, 0);
    assert.match(
      message.lockToken ?? '',
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.ok(message.sequenceNumber && message.sequenceNumber.toNumber() >= 1);
    assert.ok(message.enqueuedTimeUtc instanceof Date);
    assert.ok(message.lockedUntilUtc && message.lockedUntilUtc.getTime() > Date.now());
    await receiver.completeMessage(message);
    assert.deepEqual(await receiver.receiveMessages(1, NOTHING), []);
    await receiver.close();
    await drain('tasks', 'westeurope');
    await drain('tasks', 'northeurope');
  });

  it('redelivers an abandoned message with deliveryCount + 1', async () => {
    await sendToTopic({ id: 'm-abandon' });
    const receiver = client.createReceiver('tasks', 'all');
    const [first] = await receiver.receiveMessages(1, WAIT);
    assert.ok(first);
    await receiver.abandonMessage(first);
    const [second] = await receiver.receiveMessages(1, WAIT);
    assert.equal(second?.messageId, 'm-abandon');
    assert.equal(second?.deliveryCount, 1);
    assert.notEqual(second?.lockToken, first.lockToken);
    await receiver.completeMessage(second!);
    await receiver.close();
  });

  it('dead-letters with reason and description into the $DeadLetterQueue sub-queue', async () => {
    await sendToTopic({ id: 'm-poison' });
    const receiver = client.createReceiver('tasks', 'all');
    const [message] = await receiver.receiveMessages(1, WAIT);
    assert.ok(message);
    await receiver.deadLetterMessage(message, {
      deadLetterReason: 'BadPayload',
      deadLetterErrorDescription: 'no vault',
    });
    await receiver.close();
    const dlq = client.createReceiver('tasks', 'all', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, WAIT);
    assert.equal(dead?.messageId, 'm-poison');
    assert.equal(dead?.deadLetterReason, 'BadPayload');
    assert.equal(dead?.deadLetterErrorDescription, 'no vault');
    assert.equal(dead?.deadLetterSource, 'tasks/Subscriptions/all');
    await dlq.completeMessage(dead!);
    await dlq.close();
  });

  it('dead-letters with MaxDeliveryCountExceeded once the max delivery count is used up', async () => {
    const sender = client.createSender('jobs');
    await sender.sendMessages({ messageId: 'j-max', body: 'x' });
    await sender.close();
    const receiver = client.createReceiver('jobs');
    for (let attempt = 0; attempt < 2; attempt++) {
      const [m] = await receiver.receiveMessages(1, WAIT);
      assert.equal(m?.deliveryCount, attempt);
      await receiver.abandonMessage(m!);
    }
    assert.deepEqual(await receiver.receiveMessages(1, NOTHING), []);
    await receiver.close();
    const dlq = client.createReceiver('jobs', {
      subQueueType: 'deadLetter',
      receiveMode: 'receiveAndDelete',
    });
    const [dead] = await dlq.receiveMessages(1, WAIT);
    assert.equal(dead?.messageId, 'j-max');
    assert.equal(dead?.deadLetterReason, 'MaxDeliveryCountExceeded');
    await dlq.close();
  });

  it('redelivers when the lock expires, and settling with the expired lock fails with MessageLockLost', async () => {
    const sender = client.createSender('jobs');
    await sender.sendMessages({ messageId: 'j-expire', body: 'x' });
    await sender.close();
    const receiver = client.createReceiver('jobs', { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, WAIT);
    assert.ok(first);
    // Redelivery is the sign that the 1 s lock expired (no fixed sleep): then the first lock
    // token is stale and settling with it must fail.
    const [again] = await receiver.receiveMessages(1, WAIT);
    assert.equal(again?.messageId, 'j-expire');
    assert.equal(again?.deliveryCount, 1);
    assert.ok(Date.now() >= first.lockedUntilUtc!.getTime(), 'not before the lock expired');
    await assert.rejects(receiver.completeMessage(first), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'MessageLockLost');
      return true;
    });
    await receiver.completeMessage(again!);
    await receiver.close();
  });

  it('renews a lock past its original expiry', async () => {
    const sender = client.createSender('jobs');
    await sender.sendMessages({ messageId: 'j-renew', body: 'x' });
    await sender.close();
    const receiver = client.createReceiver('jobs', { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiver.receiveMessages(1, WAIT);
    assert.ok(m);
    const original = m.lockedUntilUtc!.getTime();
    // Renew every 200 ms (a 1 s lock: a loaded machine can lose several ticks and still keep it)
    // until the original expiry is well past, then settle with the same lock token.
    let renewed = original;
    while (Date.now() < original + 500) {
      const next = (await receiver.renewMessageLock(m)).getTime();
      assert.ok(next >= renewed, 'each renewal extends the lock');
      renewed = next;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(renewed > original);
    await receiver.completeMessage(m);
    // Nothing comes back, even after the last renewed lock would have run out.
    assert.deepEqual(await receiver.receiveMessages(1, pastLock(renewed)), []);
    await receiver.close();
  });

  it('drops a duplicate message id inside the detection window', async () => {
    await sendToTopic({ id: 'dup-1', body: 1 }, { id: 'dup-1', body: 2 }, { id: 'dup-2', body: 3 });
    const received = await drain('tasks', 'all');
    assert.deepEqual(
      received.map((m) => m.body),
      [1, 3],
    );
  });

  it('routes by SQL and correlation filters on an application property', async () => {
    await drain('tasks', 'all');
    await sendToTopic(
      { id: 'r-we', region: 'westeurope' },
      { id: 'r-ne', region: 'northeurope' },
      { id: 'r-none' },
    );
    assert.deepEqual(
      (await drain('tasks', 'westeurope')).map((m) => m.messageId),
      ['r-we'],
    );
    assert.deepEqual(
      (await drain('tasks', 'northeurope')).map((m) => m.messageId),
      ['r-ne'],
    );
    assert.deepEqual(
      (await drain('tasks', 'all')).map((m) => m.messageId),
      ['r-we', 'r-ne', 'r-none'],
    );
  });

  it('schedules a message for later and cancels another', async () => {
    // The receiver listens before anything is scheduled, so a message enqueued early would be
    // taken at once: the time it arrives shows whether it waited (no wall-clock bound on the
    // calls in between, which only make the check later, never wrong).
    const receiver = client.createReceiver('tasks', 'all', { receiveMode: 'receiveAndDelete' });
    let arrivedAt = 0;
    const arriving = receiver.receiveMessages(1, WAIT).then((messages) => {
      arrivedAt = Date.now();
      return messages;
    });
    const sender = client.createSender('tasks');
    // Due in 2 s: the cancel below must land before then, which a loaded machine's few
    // loopback calls do with a wide margin.
    const soon = new Date(Date.now() + 2_000);
    const [kept] = await sender.scheduleMessages({ messageId: 's-kept', body: 'k' }, soon);
    const [cancelled] = await sender.scheduleMessages({ messageId: 's-cancel', body: 'c' }, soon);
    assert.ok(kept && cancelled && !kept.equals(cancelled));
    await sender.cancelScheduledMessages(cancelled!);
    await sender.close();
    const [arrived] = await arriving;
    assert.equal(arrived?.messageId, 's-kept');
    assert.ok(arrivedAt >= soon.getTime(), 'not before its scheduled time');
    // The cancelled one was due at the same instant as the kept one, which has arrived: had
    // it been enqueued it would be available now, and NOTHING's wait covers that.
    assert.deepEqual(await receiver.receiveMessages(1, NOTHING), []);
    await receiver.close();
  });

  it('peeks without locking or removing', async () => {
    await sendToTopic({ id: 'p-1' }, { id: 'p-2' });
    const receiver = client.createReceiver('tasks', 'all');
    const peeked = await receiver.peekMessages(10);
    assert.deepEqual(
      peeked.map((m) => m.messageId),
      ['p-1', 'p-2'],
    );
    assert.equal(peeked[0]?.lockToken, undefined);
    await receiver.close();
    assert.deepEqual(
      (await drain('tasks', 'all')).map((m) => m.messageId),
      ['p-1', 'p-2'],
    );
  });

  it('accepts a batch send and streams to subscribe() with bounded concurrency', async () => {
    const sender = client.createSender('tasks');
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 6; i++) assert.ok(batch.tryAddMessage({ messageId: `b-${i}`, body: i }));
    await sender.sendMessages(batch);
    await sender.close();
    const receiver = client.createReceiver('tasks', 'all');
    const seen: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await new Promise<void>((resolve, reject) => {
      receiver.subscribe(
        {
          processMessage: async (m) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 30)); // work that overlaps, not a wait
            seen.push(m.body as number);
            inFlight--;
            if (seen.length === 6) resolve();
          },
          processError: async (args) => reject(args.error),
        },
        { maxConcurrentCalls: 2 },
      );
    });
    await receiver.close();
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(maxInFlight, 2);
    assert.deepEqual(await drain('tasks', 'all'), []);
  });

  it('defers a message, receives it by sequence number, and settles it over $management', async () => {
    await sendToTopic({ id: 'd-1' });
    const receiver = client.createReceiver('tasks', 'all');
    const [message] = await receiver.receiveMessages(1, WAIT);
    assert.ok(message?.sequenceNumber);
    await receiver.deferMessage(message);
    assert.deepEqual(await receiver.receiveMessages(1, NOTHING), [], 'deferred is hidden');
    const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber);
    assert.equal(deferred?.messageId, 'd-1');
    assert.equal(deferred?.deliveryCount, 1);
    assert.equal(deferred?.state, 'deferred');
    await receiver.completeMessage(deferred!);
    await assert.rejects(
      receiver.receiveDeferredMessages(message.sequenceNumber),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MessageNotFound');
        return true;
      },
    );
    await receiver.close();
  });

  it('dead-letters an expired message as TTLExpiredException even when nobody receives', async () => {
    const sender = client.createSender('expiring');
    await sender.sendMessages({ messageId: 'ttl-1', body: 'x' });
    await sender.sendMessages({ messageId: 'ttl-2', body: 'y', timeToLive: 200 });
    await sender.close();
    const dlq = client.createReceiver('expiring', {
      subQueueType: 'deadLetter',
      receiveMode: 'receiveAndDelete',
    });
    // Each expires on its own clock (0.5 s default TTL, 0.2 s own TTL): collect until both are
    // there instead of sleeping past both.
    const dead: ServiceBusReceivedMessage[] = [];
    for (let round = 0; dead.length < 2 && round < 3; round++) {
      dead.push(...(await dlq.receiveMessages(2 - dead.length, WAIT)));
    }
    assert.deepEqual(dead.map((m) => [m.messageId, m.deadLetterReason]).sort(), [
      ['ttl-1', 'TTLExpiredException'],
      ['ttl-2', 'TTLExpiredException'],
    ]);
    await dlq.close();
  });

  it('refuses a receiver on an unknown entity with MessagingEntityNotFound', async () => {
    const receiver = client.createReceiver('nope', 'none');
    await assert.rejects(receiver.receiveMessages(1, WAIT), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'MessagingEntityNotFound');
      return true;
    });
    await receiver.close();
  });
});
