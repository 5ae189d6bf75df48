import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createEnvelope, runInSpan, TOPICS, type AnyEnvelope } from '@akv-replicator/core';
import { ack, createMemoryBus, type Bus } from '@akv-replicator/bus';

const spanOf = (spans: ReadableSpan[], name: string, messageId: string) =>
  spans.find((s) => s.name === name && s.attributes['messaging.message.id'] === messageId)!;

const task = (id: string, traceparent?: string) =>
  createEnvelope(
    'akv.secret.task.v1',
    {
      taskId: id,
      link: 'demo',
      source: { name: 'kv-src' },
      objectName: 'db-password',
      replica: { name: 'kv-dst', region: 'northeurope' },
      trigger: { kind: 'resync', id: 'r1' },
      drift: 'missing',
    },
    { id, source: '/test', ...(traceparent ? { traceparent } : {}) },
  );

/** Publishes one task, waits for its delivery, returns what the handler saw. */
async function roundTrip(bus: Bus, envelope: ReturnType<typeof task>) {
  let seen!: (value: { envelope: AnyEnvelope; activeSpanId: string | undefined }) => void;
  const delivered = new Promise<{ envelope: AnyEnvelope; activeSpanId: string | undefined }>(
    (resolve) => (seen = resolve),
  );
  const subscription = await bus.subscribe(
    TOPICS.secretTasks,
    { subscription: `s-${envelope.id}` },
    // The memory broker replays retained messages to a new subscription: wait for ours.
    async (received) => {
      if (received.id === envelope.id)
        seen({ envelope: received, activeSpanId: trace.getActiveSpan()?.spanContext().spanId });
      return ack();
    },
  );
  await bus.publish(TOPICS.secretTasks, envelope);
  const result = await delivered;
  await subscription.close();
  return result;
}

describe('bus trace propagation (SDK with an in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;
  let bus: Bus;
  before(() => {
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    bus = createMemoryBus();
  });
  afterEach(() => exporter.reset());
  after(async () => {
    await bus.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("continues an envelope's traceparent when no span is active, and makes the consumer span active", async () => {
    const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { envelope, activeSpanId } = await roundTrip(bus, task('t1', caller));
    const spans = exporter.getFinishedSpans();
    const producer = spanOf(spans, 'send secret-tasks', 't1');
    const consumer = spanOf(spans, 'process secret-tasks', 't1');
    assert.equal(producer.spanContext().traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(producer.parentSpanContext?.spanId, '00f067aa0ba902b7');
    assert.equal(
      envelope.traceparent,
      `00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`,
    );
    assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
    assert.equal(activeSpanId, consumer.spanContext().spanId);
    assert.equal(consumer.attributes['akvr.object.name'], 'db-password');
    assert.equal(consumer.attributes['akvr.region'], 'northeurope');
    assert.equal(consumer.attributes['messaging.consumer.group.name'], 's-t1');
    assert.equal(consumer.attributes['akvr.bus.outcome'], 'ack');
  });

  it('makes the active span the parent of a publish, whatever the envelope says', async () => {
    const stale = '00-11111111111111111111111111111111-2222222222222222-01';
    const parent = trace.getTracer('test').startSpan('handler');
    await context.with(trace.setSpan(context.active(), parent), () =>
      roundTrip(bus, task('t2', stale)),
    );
    parent.end();
    const producer = spanOf(exporter.getFinishedSpans(), 'send secret-tasks', 't2');
    assert.equal(producer.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(producer.spanContext().traceId, parent.spanContext().traceId);
  });

  it('groups work no message started (a scheduled reconcile) under one span', async () => {
    await runInSpan('reconcile', { 'akvr.trigger': 'reconcile' }, () => roundTrip(bus, task('t4')));
    const spans = exporter.getFinishedSpans();
    const reconcile = spans.find((s) => s.name === 'reconcile')!;
    const producer = spanOf(spans, 'send secret-tasks', 't4');
    const consumer = spanOf(spans, 'process secret-tasks', 't4');
    assert.equal(producer.parentSpanContext?.spanId, reconcile.spanContext().spanId);
    assert.equal(consumer.spanContext().traceId, reconcile.spanContext().traceId);
  });
});

describe('bus trace propagation, sampled out', () => {
  it('still carries a (not sampled) context to the consumer', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    provider.register();
    const bus = createMemoryBus();
    try {
      const { envelope } = await roundTrip(bus, task('t3'));
      assert.match(envelope.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      assert.equal(exporter.getFinishedSpans().length, 0);
    } finally {
      await bus.close();
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
  });
});
