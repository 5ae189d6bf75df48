import { parseCloudEvents } from './cloudevents';
import type { IncomingEvent } from './normalise';
import { EVENTGRID_VALIDATION_EVENT } from './normalise';

export type Delivery =
  | {
      kind: 'events';
      schema: 'eventgrid' | 'cloudevents';
      events: IncomingEvent[];
      /** A validation event came along with other events: answered, and they still count. */
      validationCode?: string;
    }
  | { kind: 'eventgrid-validation'; validationCode: string }
  | { kind: 'invalid'; reason: string };

/**
 * Longest `validationCode` echoed. Event Grid sends a GUID (36 characters, see
 * https://learn.microsoft.com/azure/event-grid/webhook-event-delivery); an echo is bounded so
 * an unauthenticated-looking caller cannot make us reflect arbitrary content.
 */
export const MAX_VALIDATION_CODE_LENGTH = 128;
const VALIDATION_CODE = /^[\x21-\x7e]+$/;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Recognises what Event Grid delivered: CloudEvents in any mode (structured, batch, binary —
 * parsed and validated by the CloudEvents SDK), or an EventGrid-schema array, which may be the
 * subscription validation event.
 */
export function parseDelivery(rawBody: string, headers: Headers): Delivery {
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (
    headers['ce-specversion'] !== undefined ||
    contentType.startsWith('application/cloudevents')
  ) {
    return fromCloudEvents(rawBody, headers);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { kind: 'invalid', reason: 'body is not JSON' };
  }
  if (!Array.isArray(body)) {
    if (body && typeof body === 'object' && 'specversion' in body)
      return fromCloudEvents(rawBody, {
        ...headers,
        'content-type': 'application/cloudevents+json',
      });
    return { kind: 'invalid', reason: 'body is neither an EventGrid event array nor a CloudEvent' };
  }
  if (body.length === 0) return { kind: 'invalid', reason: 'empty event array' };
  if (body.every((e) => e && typeof e === 'object' && 'specversion' in e)) {
    return fromCloudEvents(rawBody, {
      ...headers,
      'content-type': 'application/cloudevents-batch+json',
    });
  }
  const validations = body.filter(
    (e: { eventType?: unknown } | null) => e?.eventType === EVENTGRID_VALIDATION_EVENT,
  ) as { data?: { validationCode?: unknown } }[];
  if (validations.length > 0) {
    const code = validations[0]?.data?.validationCode;
    if (
      typeof code !== 'string' ||
      code.length > MAX_VALIDATION_CODE_LENGTH ||
      !VALIDATION_CODE.test(code)
    )
      return {
        kind: 'invalid',
        reason: `validation event without a validationCode of at most ${MAX_VALIDATION_CODE_LENGTH} printable characters`,
      };
    // Event Grid sends the validation event alone; other events beside it are still events.
    if (validations.length === body.length)
      return { kind: 'eventgrid-validation', validationCode: code };
    return {
      kind: 'events',
      schema: 'eventgrid',
      events: body.map(fromEventGrid),
      validationCode: code,
    };
  }
  return { kind: 'events', schema: 'eventgrid', events: body.map(fromEventGrid) };
}

/**
 * The body of one message pulled from an Event Hub or a Service Bus queue, where Event Grid puts
 * one event per message: an EventGrid-schema event or CloudEvent, alone or in an array. The SDKs
 * hand over JSON already decoded; bytes and strings are decoded here.
 */
export function parseMessageBody(body: unknown): Delivery {
  let value: unknown = body;
  if (value instanceof Uint8Array) value = new TextDecoder().decode(value);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { kind: 'invalid', reason: 'body is not JSON' };
    }
  }
  if (value === null || typeof value !== 'object')
    return { kind: 'invalid', reason: 'body is neither an event nor an array of events' };
  const events = Array.isArray(value) ? value : [value];
  if (events.length === 0) return { kind: 'invalid', reason: 'empty event array' };
  const delivery = parseDelivery(JSON.stringify(events), { 'content-type': 'application/json' });
  // A validation handshake only exists for webhooks; in a message it is a stray event.
  return delivery.kind === 'eventgrid-validation'
    ? { kind: 'invalid', reason: 'subscription validation event in a message' }
    : delivery;
}

function fromCloudEvents(rawBody: string, headers: Headers): Delivery {
  const result = parseCloudEvents(rawBody, headers);
  return result.kind === 'invalid' ? result : { ...result, schema: 'cloudevents' };
}

function fromEventGrid(raw: unknown): IncomingEvent {
  const e = (raw ?? {}) as Record<string, unknown>;
  return { id: e.id, type: e.eventType, time: e.eventTime, data: e.data };
}
