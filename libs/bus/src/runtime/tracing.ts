import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createTraceState,
  isSpanContextValid,
  trace,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { envelopeAttributes, instruments, recordPublished } from '@akv-replicator/core';
import type { AnyEnvelope, Envelope } from '@akv-replicator/core';
import type { PublishReceipt, TraceContext } from '../port/bus';
import type { PublishCall } from '../port/interceptors';

/**
 * The one place trace context crosses the bus (DESIGN "Bus": W3C `traceparent` on every hop).
 * Publishing starts a producer span and writes its context into the envelope; a delivery
 * continues the publisher's trace in a consumer span that is active while the handler runs,
 * so everything the handler does (Key Vault calls, its own publishes) joins the same trace.
 * Without an OpenTelemetry SDK these are the API's no-ops and envelopes pass unchanged.
 */
const tracer = () => trace.getTracer('@akv-replicator/bus');

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote parent a W3C trace context names, or undefined when it names none. */
export function extractTraceContext(carrier: TraceContext): Context | undefined {
  const match = carrier.traceparent ? TRACEPARENT.exec(carrier.traceparent) : null;
  if (!match || match[1] === 'ff') return undefined;
  const spanContext: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & 1,
    isRemote: true,
    ...(carrier.tracestate ? { traceState: createTraceState(carrier.tracestate) } : {}),
  };
  if (!isSpanContextValid(spanContext)) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

function formatTraceparent(span: Span): TraceContext {
  const sc = span.spanContext();
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, '0');
  const state = sc.traceState?.serialize();
  return {
    traceparent: `00-${sc.traceId}-${sc.spanId}-${flags}`,
    ...(state ? { tracestate: state } : {}),
  };
}

/** Publishes inside a producer span whose context the envelope carries to the consumer. */
export async function tracedPublish(
  transport: string,
  call: PublishCall,
  send: (call: PublishCall) => Promise<PublishReceipt>,
): Promise<PublishReceipt> {
  const active = context.active();
  // The caller's active span wins; an envelope's own traceparent continues a trace begun
  // elsewhere (a CLI resync, a service that kept the context of an earlier message).
  const parent = trace.getSpan(active) ? active : (extractTraceContext(call.envelope) ?? active);
  const span = tracer().startSpan(`send ${call.topic}`, { kind: SpanKind.PRODUCER }, parent);
  // Tracing off (the API's no-op span): nothing to record, nothing to inject.
  if (!isOwnSpan(span, parent)) return publishCounted(call, send);
  if (span.isRecording())
    span.setAttributes({
      'messaging.system': transport,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': call.topic,
      'messaging.message.id': call.envelope.id,
      ...envelopeAttributes(call.envelope),
    });
  const { traceparent, tracestate } = formatTraceparent(span);
  const { tracestate: _previous, ...rest } = call.envelope;
  const envelope = Object.freeze({
    ...rest,
    traceparent,
    ...(tracestate ? { tracestate } : {}),
  } as Envelope);
  try {
    const receipt = await context.with(trace.setSpan(parent, span), () =>
      publishCounted({ ...call, envelope }, send),
    );
    span.setAttribute('akvr.duplicate', receipt.duplicate);
    return receipt;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * True when an SDK made this span (recorded, or sampled out but with its own id, whose context
 * must still travel so the next hop keeps the sampling decision). The API's no-op tracer only
 * hands back the parent's context.
 */
function isOwnSpan(span: Span, parent: Context): boolean {
  if (span.isRecording()) return true;
  const own = span.spanContext();
  return isSpanContextValid(own) && own.spanId !== trace.getSpanContext(parent)?.spanId;
}

async function publishCounted(
  call: PublishCall,
  send: (call: PublishCall) => Promise<PublishReceipt>,
): Promise<PublishReceipt> {
  const receipt = await send(call);
  if (!receipt.duplicate) instruments().busPublished.add(1, { topic: call.topic });
  recordPublished(call.envelope, receipt.duplicate);
  return receipt;
}

export type DeliveryOutcome = 'ack' | 'retry' | 'dead-letter' | 'abandoned';

/** A consumer span around one handler run; `finish` records how the delivery was settled. */
export interface DeliverySpan {
  run<T>(fn: () => Promise<T>): Promise<T>;
  finish(outcome: DeliveryOutcome, reason?: string): void;
}

export function startDeliverySpan(
  transport: string,
  topic: string,
  subscription: string,
  envelope: AnyEnvelope,
  traceContext: TraceContext,
  deliveryCount: number,
): DeliverySpan {
  const parent = extractTraceContext(traceContext) ?? ROOT_CONTEXT;
  const span = tracer().startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER }, parent);
  if (span.isRecording())
    span.setAttributes({
      'messaging.system': transport,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.subscription.name': subscription,
      'messaging.consumer.group.name': subscription,
      'messaging.message.id': envelope.id,
      'akvr.delivery_count': deliveryCount,
      ...envelopeAttributes(envelope),
    });
  const own = isOwnSpan(span, parent);
  const active = trace.setSpan(parent, span);
  return {
    run: (fn) => (own ? context.with(active, fn) : fn()),
    finish(outcome, reason) {
      recordDelivery(topic, subscription, outcome);
      span.setAttribute('akvr.bus.outcome', outcome);
      if (outcome !== 'ack')
        span.setStatus({ code: SpanStatusCode.ERROR, ...(reason ? { message: reason } : {}) });
      span.end();
    },
  };
}

/** Counts one settled delivery (and the dead letter it became). */
export function recordDelivery(topic: string, subscription: string, outcome: DeliveryOutcome) {
  const m = instruments();
  m.busDelivered.add(1, { topic, subscription, outcome });
  if (outcome === 'dead-letter') m.busDeadLetters.add(1, { topic, subscription });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
