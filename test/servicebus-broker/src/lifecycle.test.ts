/**
 * Broker lifecycle as tests use it: loading the emulator's Config.json from disk, abrupt
 * connection loss and restart (the SDK must recover and nothing may be lost), and refused tokens.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';
import { startServiceBusBroker } from './index';

/**
 * Receives that expect messages: the SDK returns once it has them (for a batch, 1 s after the
 * first — its default maxTimeAfterFirstMessageInMs); the bound only ends a failing run.
 */
const EXPECTING = { maxWaitTimeInMs: 15_000 };
const CONFIG_FILE = fileURLToPath(new URL('../fixtures/Config.json', import.meta.url));

describe('broker lifecycle', () => {
  it('loads the emulator Config.json from a path and applies its SQL rule', async () => {
    const broker = await startServiceBusBroker({ config: CONFIG_FILE });
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const sender = client.createSender('outcomes');
      await sender.sendMessages([
        { messageId: 'ok', body: 1, applicationProperties: { status: 'succeeded' } },
        { messageId: 'bad', body: 2, applicationProperties: { status: 'failed' } },
      ]);
      const receiver = client.createReceiver('outcomes', 'notifier', {
        receiveMode: 'receiveAndDelete',
      });
      const got = await receiver.receiveMessages(10, EXPECTING);
      assert.deepEqual(
        got.map((m) => m.messageId),
        ['bad'],
      );
    } finally {
      await client.close();
      await broker.stop();
    }
  });

  it('keeps messages across kill() + restart() on the same port, and the SDK reconnects', async () => {
    const broker = await startServiceBusBroker({ config: CONFIG_FILE });
    const client = new ServiceBusClient(broker.connectionString, {
      retryOptions: { maxRetries: 5, retryDelayInMs: 200, timeoutInMs: 3000 },
    });
    try {
      const sender = client.createSender('outcomes');
      await sender.sendMessages({
        messageId: 'before',
        body: 1,
        applicationProperties: { status: 'failed' },
      });
      await broker.restart();
      // No pause for the client to notice the cut: a send on the dead link fails or times out
      // (timeoutInMs above) and the SDK retries it on a new connection.
      await sender.sendMessages({
        messageId: 'after',
        body: 2,
        applicationProperties: { status: 'failed' },
      });
      const receiver = client.createReceiver('outcomes', 'notifier', {
        receiveMode: 'receiveAndDelete',
      });
      const got = await receiver.receiveMessages(10, EXPECTING);
      assert.deepEqual(
        got.map((m) => m.messageId),
        ['before', 'after'],
      );
    } finally {
      await client.close();
      await broker.stop();
    }
  });

  it('creates topics and filtered subscriptions at run time through admin', async () => {
    const broker = await startServiceBusBroker();
    const client = new ServiceBusClient(broker.connectionString);
    try {
      assert.equal(
        await broker.admin.ensureTopic('tasks', { RequiresDuplicateDetection: true }),
        true,
      );
      assert.equal(await broker.admin.ensureTopic('tasks'), false);
      const rules = [
        {
          Name: 'route',
          Properties: {
            FilterType: 'Sql' as const,
            SqlFilter: { SqlExpression: "akvRoutingKey = 'eastus'" },
          },
        },
      ];
      assert.equal(await broker.admin.ensureSubscription('tasks', 'east', { rules }), true);
      assert.equal(await broker.admin.ensureSubscription('tasks', 'east'), false);
      assert.deepEqual(await broker.admin.listSubscriptions('tasks'), ['east']);
      const sender = client.createSender('tasks');
      await sender.sendMessages([
        { messageId: 'w', body: 1, applicationProperties: { akvRoutingKey: 'westus' } },
        { messageId: 'e', body: 2, applicationProperties: { akvRoutingKey: 'eastus' } },
      ]);
      const receiver = client.createReceiver('tasks', 'east', { receiveMode: 'receiveAndDelete' });
      const got = await receiver.receiveMessages(10, EXPECTING);
      assert.deepEqual(
        got.map((m) => m.messageId),
        ['e'],
      );
    } finally {
      await client.close();
      await broker.stop();
    }
  });

  it('answers a refused CBS token so the SDK reports UnauthorizedAccess', async () => {
    const broker = await startServiceBusBroker({ config: CONFIG_FILE, acceptToken: () => false });
    const client = new ServiceBusClient(broker.connectionString, {
      retryOptions: { maxRetries: 0 },
    });
    try {
      const sender = client.createSender('outcomes');
      await assert.rejects(sender.sendMessages({ body: 1 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'UnauthorizedAccess');
        return true;
      });
    } finally {
      await client.close();
      await broker.stop();
    }
  });
});
