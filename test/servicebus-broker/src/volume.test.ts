/**
 * More peek-lock deliveries on one receiver than an AMQP session buffers (rhea: 2048): every
 * settled delivery must leave the session window, or the receiver stalls for good.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';
import { startServiceBusBroker } from './index';
import { TEST_CONFIG } from './test-config';

const MESSAGES = 2_500;

describe('volume', () => {
  it(`completes ${MESSAGES} peek-locked messages on one receiver`, async () => {
    const broker = await startServiceBusBroker({ config: TEST_CONFIG });
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const sender = client.createSender('tasks');
      for (let sent = 0; sent < MESSAGES;) {
        const batch = await sender.createMessageBatch();
        while (sent < MESSAGES && batch.tryAddMessage({ messageId: `v-${sent}`, body: sent }))
          sent++;
        await sender.sendMessages(batch);
      }
      const receiver = client.createReceiver('tasks', 'all');
      const seen = new Set<number>();
      await new Promise<void>((resolve, reject) => {
        const subscription = receiver.subscribe(
          {
            processMessage: async (message) => {
              await receiver.completeMessage(message);
              seen.add(message.body as number);
              if (seen.size === MESSAGES) void subscription.close().then(resolve);
            },
            processError: async (args) => reject(args.error),
          },
          { autoCompleteMessages: false, maxConcurrentCalls: 50 },
        );
      });
      assert.equal(seen.size, MESSAGES);
    } finally {
      await client.close();
      await broker.stop();
    }
  });
});
