// test-isolation: process — starts telemetry, which installs the process-wide OpenTelemetry
// meter provider; two files doing so in one process would read each other's metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelope, METRIC_NAMES, TOPICS } from '@akv-replicator/core';
import { ack, createMemoryBus, reject, type Bus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { startTelemetry, type Telemetry } from './start-telemetry';
import { sampleValue, scrapeMetrics } from './testing';

const outcome = (id: string) =>
  createEnvelope(
    'akv.outcome.v1',
    {
      outcomeId: id,
      status: 'success',
      action: 'created',
      service: 'replicator',
      at: new Date().toISOString(),
    },
    { id, source: '/test' },
  );

describe('bus metrics (memory transport)', () => {
  let telemetry: Telemetry;
  let bus: Bus;
  before(async () => {
    telemetry = await startTelemetry({
      serviceName: 'bus-metrics',
      config: { tracing: false, metricsPort: 0 },
      metricsHost: '127.0.0.1',
    });
    bus = createMemoryBus();
  });
  after(async () => {
    await bus.close();
    await telemetry.shutdown();
  });

  it('counts publishes, deliveries by outcome, dead letters, and reports the backlog', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    await bus.subscribe(TOPICS.outcomes, { subscription: 'slow', concurrency: 1 }, async (e) => {
      started++;
      await held;
      return e.id === 'poison' ? reject('poison message') : ack();
    });
    for (const id of ['a', 'b', 'c', 'poison']) await bus.publish(TOPICS.outcomes, outcome(id));
    await bus.publish(TOPICS.outcomes, outcome('a')); // a duplicate: not counted
    await eventually('the first delivery to start', () => started > 0, 20_000);

    const labels = { topic: TOPICS.outcomes, subscription: 'slow' };
    let { samples } = await scrapeMetrics(telemetry.metricsUrl!);
    assert.equal(sampleValue(samples, METRIC_NAMES.busPublished, { topic: TOPICS.outcomes }), 4);
    assert.equal(
      sampleValue(samples, METRIC_NAMES.busBacklog, labels),
      3,
      'one leased, three waiting',
    );

    release();
    await eventually(
      'four deliveries counted',
      async () => {
        ({ samples } = await scrapeMetrics(telemetry.metricsUrl!));
        return sampleValue(samples, METRIC_NAMES.busDelivered, labels) === 4;
      },
      20_000,
    );
    assert.equal(sampleValue(samples, METRIC_NAMES.busDelivered, { ...labels, outcome: 'ack' }), 3);
    assert.equal(
      sampleValue(samples, METRIC_NAMES.busDelivered, { ...labels, outcome: 'dead-letter' }),
      1,
    );
    assert.equal(sampleValue(samples, METRIC_NAMES.busDeadLetters, labels), 1);
    assert.equal(sampleValue(samples, METRIC_NAMES.busBacklog, labels), 0);
  });
});
