import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createEnvelope, METRIC_NAMES, TOPICS } from '@akv-replicator/core';
import { ack, type Bus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { startTelemetry, type Telemetry } from './start-telemetry';
import { sampleValue, scrapeMetrics } from './testing';

describe('bus backlog gauge (NATS JetStream: consumer num_pending)', () => {
  let server: NatsServer;
  let telemetry: Telemetry;
  let bus: Bus;
  before(async () => {
    server = await startNats();
    telemetry = await startTelemetry({
      serviceName: 'bus-metrics-nats',
      config: { tracing: false, metricsPort: 0 },
      metricsHost: '127.0.0.1',
    });
    bus = await connectNatsBus({ servers: server.url, prefix: `m${randomUUID().slice(0, 8)}` });
  });
  after(async () => {
    await bus?.close();
    await telemetry?.shutdown();
    await server?.stop();
  });

  it('reports messages not yet delivered, and zero once drained', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    await bus.subscribe(TOPICS.outcomes, { subscription: 'slow', concurrency: 1 }, async () => {
      await held;
      handled++;
      return ack();
    });
    for (let i = 0; i < 10; i++)
      await bus.publish(
        TOPICS.outcomes,
        createEnvelope(
          'akv.outcome.v1',
          {
            outcomeId: `o${i}`,
            status: 'success',
            action: 'created',
            service: 'replicator',
            at: new Date().toISOString(),
          },
          { id: `o${i}`, source: '/test' },
        ),
      );
    const labels = { topic: TOPICS.outcomes, subscription: 'slow' };
    const backlog = async () =>
      sampleValue(
        (await scrapeMetrics(telemetry.metricsUrl!)).samples,
        METRIC_NAMES.busBacklog,
        labels,
      );
    // One in the handler and at most one pulled ahead; the rest wait in the stream.
    const waiting = await backlog();
    assert.ok(waiting >= 8 && waiting <= 9, `backlog ${waiting}`);
    release();
    await eventually('all ten handled', () => handled === 10, 20_000);
    assert.equal(handled, 10);
    assert.equal(await backlog(), 0);
  });
});
