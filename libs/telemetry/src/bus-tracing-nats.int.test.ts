import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createEnvelope, TOPICS } from '@akv-replicator/core';
import { ack, type Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';

describe('bus trace propagation over NATS JetStream (traceparent in message headers)', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;
  let server: NatsServer;
  let bus: Bus;
  before(async () => {
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    server = await startNats();
    bus = await connectNatsBus({ servers: server.url, prefix: `t${randomUUID().slice(0, 8)}` });
  });
  after(async () => {
    await bus?.close();
    await server?.stop();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("a consumer span's parent is the producer span of its message", async () => {
    let handled!: () => void;
    const done = new Promise<void>((resolve) => (handled = resolve));
    let handlerSpanId: string | undefined;
    const subscription = await bus.subscribe(
      TOPICS.secretTasks,
      { subscription: 'replicator', routingKeys: ['northeurope'] },
      async () => {
        handlerSpanId = trace.getActiveSpan()?.spanContext().spanId;
        handled();
        return ack();
      },
    );
    await bus.publish(
      TOPICS.secretTasks,
      createEnvelope(
        'akv.secret.task.v1',
        {
          taskId: 'n1',
          link: 'demo',
          source: { name: 'kv-src' },
          objectName: 'db-password',
          replica: { name: 'kv-dst', region: 'northeurope' },
          trigger: { kind: 'event', id: 'e1' },
        },
        { id: 'n1', source: '/test' },
      ),
      { routingKey: 'northeurope' },
    );
    await done;
    await subscription.close();
    const spans = exporter.getFinishedSpans();
    const producer = spans.find((s) => s.name === 'send secret-tasks')!;
    const consumer = spans.find((s) => s.name === 'process secret-tasks')!;
    assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
    assert.equal(consumer.spanContext().traceId, producer.spanContext().traceId);
    assert.equal(consumer.attributes['messaging.system'], 'nats');
    assert.equal(handlerSpanId, consumer.spanContext().spanId);
  });
});
