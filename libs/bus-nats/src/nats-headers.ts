import type { MsgHdrs } from '@nats-io/nats-core';
import { headers } from '@nats-io/nats-core';
import type { TraceContext } from '@akv-replicator/bus';

/** Application properties travel as one JSON header: lossless for any key. */
export const PROPERTIES_HEADER = 'Akvr-Properties';
export const DEAD_LETTER_HEADERS = Object.freeze({
  reason: 'Akvr-Dead-Letter-Reason',
  deliveryCount: 'Akvr-Delivery-Count',
  topic: 'Akvr-Topic',
  subscription: 'Akvr-Subscription',
  routingKey: 'Akvr-Routing-Key',
  envelopeId: 'Akvr-Envelope-Id',
  at: 'Akvr-Dead-Lettered-At',
});

/** Header values are single lines. */
export function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** Headers of a published message: properties and W3C trace context. */
export function messageHeaders(
  properties: Readonly<Record<string, string>> | undefined,
  trace: TraceContext,
): MsgHdrs {
  const result = headers();
  if (properties && Object.keys(properties).length > 0)
    result.set(PROPERTIES_HEADER, JSON.stringify(properties));
  if (trace.traceparent !== undefined) result.set('traceparent', headerValue(trace.traceparent));
  if (trace.tracestate !== undefined) result.set('tracestate', headerValue(trace.tracestate));
  return result;
}

export function readProperties(source: MsgHdrs | undefined): Readonly<Record<string, string>> {
  const raw = source?.get(PROPERTIES_HEADER);
  if (!raw) return Object.freeze({});
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') {
      return Object.freeze(
        Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')),
      ) as Record<string, string>;
    }
  } catch {
    // A foreign publisher's malformed header is not worth dead-lettering the message for.
  }
  return Object.freeze({});
}

export function readTraceContext(source: MsgHdrs | undefined): TraceContext {
  const traceparent = source?.get('traceparent') || undefined;
  const tracestate = source?.get('tracestate') || undefined;
  return {
    ...(traceparent !== undefined ? { traceparent } : {}),
    ...(tracestate !== undefined ? { tracestate } : {}),
  };
}
