/**
 * Clients other than @azure/service-bus: a plain AMQP 1.0 client (rhea) authenticating with SASL
 * PLAIN, as a CLI or a script would, and the SDK reading what it sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from 'rhea';
import { ServiceBusClient } from '@azure/service-bus';
import { EMULATOR_SAS_KEY, EMULATOR_SAS_KEY_NAME, startServiceBusBroker } from './index';
import { rhea } from './rhea';
import { TEST_CONFIG } from './test-config';

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

describe('plain AMQP clients', () => {
  it('accepts SASL PLAIN and a message sent by rhea, which the SDK then receives', async () => {
    const broker = await startServiceBusBroker({ config: TEST_CONFIG });
    const connection = await open(broker.port);
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const sender = connection.open_sender('jobs');
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
          reject(new Error(String(context.delivery?.remote_state))),
        );
      });
      const receiver = client.createReceiver('jobs', { receiveMode: 'receiveAndDelete' });
      // Returns as soon as the message is there; the bound only ends a failing run.
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
      assert.equal(message?.messageId, 'raw-1');
      assert.equal(message?.body, 'from rhea');
      assert.equal(message?.applicationProperties?.['origin'], 'cli');
    } finally {
      connection.close();
      await client.close();
      await broker.stop();
    }
  });

  it('refuses a sender to an unknown entity with amqp:not-found', async () => {
    const broker = await startServiceBusBroker({ config: TEST_CONFIG });
    const connection = await open(broker.port);
    try {
      const sender = connection.open_sender('missing-topic');
      const condition = await new Promise<string | undefined>((resolve) => {
        sender.once('sender_error', (context) =>
          resolve((context.sender?.error as { condition?: string })?.condition),
        );
        sender.once('sender_close', (context) =>
          resolve((context.sender?.error as { condition?: string })?.condition),
        );
      });
      assert.equal(condition, 'amqp:not-found');
    } finally {
      connection.close();
      await broker.stop();
    }
  });
});
