import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { startNats } from '@akv-replicator/test-kit';
import type { NatsServer } from '@akv-replicator/test-kit';
import { eventually, outcomeEnvelope } from '@akv-replicator/bus/testing';
import { PublishTimeoutError, ack } from '@akv-replicator/bus';
import { connectNatsBus } from './connect-nats-bus';

let server: NatsServer;
before(async () => {
  server = await startNats();
});
after(async () => {
  await server?.stop();
});

const prefix = (): string => `n${randomUUID().slice(0, 8)}`;

describe('NATS bus specifics', () => {
  it('creates streams and durable consumers idempotently and brings the lease in line', async () => {
    const p = prefix();
    const first = await connectNatsBus({ servers: server.url, prefix: p });
    const second = await connectNatsBus({ servers: server.url, prefix: p });
    await first.subscribe(
      'secret-tasks',
      { subscription: 'replicator', routingKeys: ['westeurope'], ackWaitMs: 1_000 },
      async () => ack(),
    );
    await second.subscribe(
      'secret-tasks',
      { subscription: 'replicator', routingKeys: ['westeurope'], ackWaitMs: 2_000 },
      async () => ack(),
    );
    const jsm = await jetstreamManager(first.connection);
    const info = await jsm.consumers.info(`${p}_secret-tasks`, 'replicator__westeurope');
    assert.equal(info.config.filter_subject, `${p}.secret-tasks.westeurope`);
    assert.equal(info.config.ack_wait, nanos(2_000));
    const streams = await jsm.streams.names().next();
    assert.deepEqual(streams.filter((name) => name.startsWith(p)).sort(), [
      `${p}_dlq`,
      `${p}_secret-tasks`,
    ]);
    await Promise.all([first.close(), second.close()]);
  });

  it('gives up a publish with PublishTimeoutError when the broker stays away', async (t) => {
    if (!server.controllable) return t.skip('NATS_URL is set: the kit cannot stop that server');
    const bus = await connectNatsBus({
      servers: server.url,
      prefix: prefix(),
      publishTimeoutMs: 600,
    });
    await bus.ensureTopic('outcomes');
    await server.kill();
    try {
      const started = performance.now();
      await assert.rejects(bus.publish('outcomes', outcomeEnvelope()), PublishTimeoutError);
      assert.ok(performance.now() - started >= 550);
    } finally {
      await server.restart();
      await bus.close();
    }
  });

  it('rides out a broker restart on the first publish to a new topic', async (t) => {
    if (!server.controllable) return t.skip('NATS_URL is set: the kit cannot stop that server');
    const bus = await connectNatsBus({ servers: server.url, prefix: prefix() });
    // The outage must be one the client noticed while the publish was pending, not a restart
    // so quick that the publish never met it: wait for nats.js's own disconnect status.
    let sawDisconnect = false;
    void (async () => {
      for await (const status of bus.connection.status()) {
        if (status.type === 'disconnect') sawDisconnect = true;
      }
    })();
    await server.kill();
    const publishing = bus.publish('vault-events', outcomeEnvelope());
    await eventually('the client to see the broker gone', () => sawDisconnect, 30_000);
    await server.restart();
    const receipt = await publishing;
    assert.equal(receipt.duplicate, false);
    await bus.close();
  });
});
