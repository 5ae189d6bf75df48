/**
 * What only this broker offers or configures (the official emulator has no equivalent knobs):
 * retention limits, runtime metrics, refused tokens, the assertion API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  type LastEnqueuedEventProperties,
} from '@azure/event-hubs';
import { eventBody, startEventHubsBroker } from './index';
import { bodies, collect } from './test-support';
import { waitFor } from './scenarios';

describe('broker configuration and assertions', () => {
  it('keeps at most maxEvents per partition: properties and earliest readers start after the dropped ones', async () => {
    const broker = await startEventHubsBroker({
      hubs: [{ name: 'short', partitionCount: 1, retention: { maxEvents: 3 } }],
    });
    const producer = new EventHubProducerClient(broker.connectionString('short'));
    const consumer = new EventHubConsumerClient('$Default', broker.connectionString('short'));
    try {
      await producer.sendBatch([1, 2, 3, 4, 5].map((n) => ({ body: n })));
      const properties = await producer.getPartitionProperties('0');
      assert.equal(properties.beginningSequenceNumber, 2);
      assert.equal(properties.lastEnqueuedSequenceNumber, 4);
      const got = collect(consumer, '0', earliestEventPosition);
      assert.deepEqual(bodies(await got.until(3)), [3, 4, 5]);
      await got.subscription.close();
      assert.deepEqual(
        broker.events('short', '0').map((e) => e.sequenceNumber),
        [2, 3, 4],
      );
    } finally {
      await consumer.close();
      await producer.close();
      await broker.stop();
    }
  });

  it('sends last-enqueued runtime metrics to readers that ask for them', async () => {
    const broker = await startEventHubsBroker({ hubs: [{ name: 'metrics', partitionCount: 1 }] });
    const producer = new EventHubProducerClient(broker.connectionString('metrics'));
    const consumer = new EventHubConsumerClient('$Default', broker.connectionString('metrics'));
    try {
      await producer.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
      let last: LastEnqueuedEventProperties | undefined;
      const subscription = consumer.subscribe(
        '0',
        {
          processEvents: async (events, context) => {
            if (events.length > 0) last = { ...context.lastEnqueuedEventProperties };
          },
          processError: async () => undefined,
        },
        {
          startPosition: earliestEventPosition,
          maxBatchSize: 1,
          maxWaitTimeInSeconds: 0.2,
          trackLastEnqueuedEventProperties: true,
        },
      );
      await waitFor(() => last !== undefined);
      await subscription.close();
      assert.equal(last?.sequenceNumber, 2);
      assert.equal(last?.offset, broker.events('metrics', '0')[2]?.offset);
      assert.equal(last?.enqueuedOn?.getTime(), broker.events('metrics', '0')[2]?.enqueuedTime);
      assert.ok(last?.retrievedOn instanceof Date);
    } finally {
      await consumer.close();
      await producer.close();
      await broker.stop();
    }
  });

  it('refuses a CBS token the test rejects, so the SDK reports an authorisation error', async () => {
    const audiences: string[] = [];
    const broker = await startEventHubsBroker({
      hubs: [{ name: 'locked', partitionCount: 1 }],
      acceptToken: ({ audience }) => {
        audiences.push(audience);
        return false;
      },
    });
    const producer = new EventHubProducerClient(broker.connectionString('locked'), {
      retryOptions: { maxRetries: 0 },
    });
    try {
      await assert.rejects(producer.getEventHubProperties(), (error: Error) => {
        assert.match(`${error.name} ${(error as { code?: string }).code ?? ''}`, /Unauthori[sz]ed/);
        return true;
      });
      assert.ok(audiences.some((a) => a.endsWith('/locked/$management') || a.endsWith('/locked')));
    } finally {
      await producer.close();
      await broker.stop();
    }
  });

  it('names unknown hubs and partitions in the assertion API instead of returning nothing', async () => {
    const broker = await startEventHubsBroker({ hubs: [{ name: 'known', partitionCount: 2 }] });
    try {
      assert.match(
        broker.connectionString('known'),
        /^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*;EntityPath=known;UseDevelopmentEmulator=true$/,
      );
      assert.doesNotMatch(broker.connectionString(), /EntityPath/);
      assert.throws(() => broker.connectionString('unknown'), /no event hub "unknown"/);
      assert.throws(() => broker.events('known', '2'), /no partition "known\/2"/);
      assert.deepEqual(broker.events('known', '1'), []);
    } finally {
      await broker.stop();
    }
  });
});

describe('stored events and abrupt loss', () => {
  it('decodes stored bodies as the SDK would, and keeps events across kill() then restart()', async () => {
    const broker = await startEventHubsBroker({ hubs: [{ name: 'kept', partitionCount: 1 }] });
    const options = { retryOptions: { maxRetries: 0, timeoutInMs: 2_000 } };
    const producer = new EventHubProducerClient(broker.connectionString('kept'), options);
    try {
      await producer.sendBatch([
        { body: { vault: 'kv1', version: 3 } },
        { body: 'text' },
        { body: Buffer.from([0xff, 0x00]) },
      ]);
      const stored = () => broker.events('kept', '0').map(eventBody);
      assert.deepEqual(stored(), [{ vault: 'kv1', version: 3 }, 'text', Buffer.from([0xff, 0x00])]);
      await broker.kill();
      await assert.rejects(producer.sendBatch([{ body: 'while down' }]));
      await broker.restart();
      const again = new EventHubProducerClient(broker.connectionString('kept'), options);
      try {
        await again.sendBatch([{ body: 'after' }]);
      } finally {
        await again.close();
      }
      assert.deepEqual(stored().slice(3), ['after']);
      assert.equal(broker.events('kept', '0').length, 4);
    } finally {
      await producer.close();
      await broker.stop();
    }
  });
});
