/**
 * Envelope ⇄ Service Bus message. The body is the envelope's JSON bytes in one AMQP data section
 * (what any Service Bus client can read); the message id is the envelope id (duplicate
 * detection); the routing key, user properties and W3C trace context are application properties.
 */
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { TraceContext } from '@akv-replicator/bus';
import { PROPERTY, RESERVED_PROPERTIES } from './property-names';

export const ENVELOPE_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export interface OutgoingMessage {
  readonly id: string | undefined;
  readonly body: Uint8Array;
  readonly type?: string;
  readonly routingKey?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly trace?: TraceContext;
}

export function toServiceBusMessage(message: OutgoingMessage): ServiceBusMessage {
  const applicationProperties: Record<string, string | number> = { ...message.properties };
  if (message.routingKey !== undefined)
    applicationProperties[PROPERTY.routingKey] = message.routingKey;
  if (message.trace?.traceparent !== undefined)
    applicationProperties[PROPERTY.traceparent] = message.trace.traceparent;
  if (message.trace?.tracestate !== undefined)
    applicationProperties[PROPERTY.tracestate] = message.trace.tracestate;
  return {
    body: Buffer.from(message.body),
    contentType: ENVELOPE_CONTENT_TYPE,
    applicationProperties,
    ...(message.id !== undefined ? { messageId: message.id } : {}),
    ...(message.type !== undefined ? { subject: message.type } : {}),
  };
}

/** The body bytes of a received message (receivers run with skipParsingBodyAsJson). */
export function bodyBytes(message: ServiceBusReceivedMessage): Uint8Array {
  const body: unknown = message.body;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  // A foreign sender's AMQP value body: keep it inspectable as JSON.
  return new TextEncoder().encode(JSON.stringify(body ?? null));
}

function stringProperty(message: ServiceBusReceivedMessage, name: string): string | undefined {
  const value = message.applicationProperties?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function routingKeyOf(message: ServiceBusReceivedMessage): string | undefined {
  return stringProperty(message, PROPERTY.routingKey);
}

/** String application properties a publisher set (the transport's own are left out). */
export function userProperties(
  message: ServiceBusReceivedMessage,
): Readonly<Record<string, string>> {
  const entries = Object.entries(message.applicationProperties ?? {}).filter(
    (entry): entry is [string, string] =>
      typeof entry[1] === 'string' && !RESERVED_PROPERTIES.has(entry[0]),
  );
  return Object.freeze(Object.fromEntries(entries));
}

export function traceContextOf(message: ServiceBusReceivedMessage): TraceContext {
  const traceparent = stringProperty(message, PROPERTY.traceparent);
  const tracestate = stringProperty(message, PROPERTY.tracestate);
  return {
    ...(traceparent !== undefined ? { traceparent } : {}),
    ...(tracestate !== undefined ? { tracestate } : {}),
  };
}

/**
 * Deliveries as the bus counts them (1 on the first): deliveries of earlier copies (a retry is a
 * scheduled copy) plus this copy's Service Bus delivery count (0 on its first delivery).
 */
export function deliveryCountOf(message: ServiceBusReceivedMessage): number {
  const earlier = Number(message.applicationProperties?.[PROPERTY.attempt] ?? 0);
  return (Number.isFinite(earlier) ? earlier : 0) + message.deliveryCount! + 1;
}

const RETRY_ID_MARK = '~retry';

/** The scheduled copy that implements retry-with-delay, addressed to one lane only. */
export function retryCopy(
  message: ServiceBusReceivedMessage,
  laneName: string,
  deliveryCount: number,
): ServiceBusMessage {
  return {
    body: message.body,
    contentType: message.contentType,
    subject: message.subject,
    // A fresh id per attempt: the topic's duplicate detection would drop a copy with the original id.
    messageId: `${String(message.messageId ?? 'message').split(RETRY_ID_MARK)[0]}${RETRY_ID_MARK}${deliveryCount}`,
    applicationProperties: {
      ...message.applicationProperties,
      [PROPERTY.retryFor]: laneName,
      [PROPERTY.attempt]: deliveryCount,
    },
  };
}
