import { HTTP, type CloudEventV1 } from 'cloudevents';
import type { IncomingEvent } from './normalise';
import { EVENTGRID_VALIDATION_EVENT } from './normalise';

export type Delivery =
  | { kind: 'events'; schema: 'eventgrid' | 'cloudevents'; events: IncomingEvent[] }
  | { kind: 'eventgrid-validation'; validationCode: string }
  | { kind: 'invalid'; reason: string };

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
    return parseCloudEvents(rawBody, headers);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { kind: 'invalid', reason: 'body is not JSON' };
  }
  if (!Array.isArray(body)) {
    if (body && typeof body === 'object' && 'specversion' in body)
      return parseCloudEvents(rawBody, {
        ...headers,
        'content-type': 'application/cloudevents+json',
      });
    return { kind: 'invalid', reason: 'body is neither an EventGrid event array nor a CloudEvent' };
  }
  if (body.length === 0) return { kind: 'invalid', reason: 'empty event array' };
  if (body.every((e) => e && typeof e === 'object' && 'specversion' in e)) {
    return parseCloudEvents(rawBody, {
      ...headers,
      'content-type': 'application/cloudevents-batch+json',
    });
  }
  const validation = body.find(
    (e: { eventType?: unknown } | null) => e?.eventType === EVENTGRID_VALIDATION_EVENT,
  ) as { data?: { validationCode?: unknown } } | undefined;
  if (validation) {
    const code = validation.data?.validationCode;
    return typeof code === 'string' && code.length > 0
      ? { kind: 'eventgrid-validation', validationCode: code }
      : { kind: 'invalid', reason: 'validation event without validationCode' };
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

function parseCloudEvents(rawBody: string, headers: Headers): Delivery {
  let parsed: CloudEventV1<unknown> | CloudEventV1<unknown>[];
  try {
    parsed = HTTP.toEvent({ headers: { ...headers }, body: rawBody }) as
      CloudEventV1<unknown> | CloudEventV1<unknown>[];
  } catch (error) {
    // The SDK's messages describe the attribute that failed, not the payload.
    return {
      kind: 'invalid',
      reason: `invalid CloudEvent: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const events = Array.isArray(parsed) ? parsed : [parsed];
  if (events.length === 0) return { kind: 'invalid', reason: 'empty CloudEvents batch' };
  for (const event of events) {
    const problem = cloudEventProblem(event);
    if (problem)
      return {
        kind: 'invalid',
        reason: `invalid CloudEvent ${event.id ?? ''}: ${problem}`.replace('  ', ' '),
      };
  }
  return {
    kind: 'events',
    schema: 'cloudevents',
    events: events.map((e) => ({ id: e.id, type: e.type, time: e.time, data: e.data })),
  };
}

/** The SDK parses leniently; validate against the spec schema, and insist on 1.0. */
function cloudEventProblem(event: CloudEventV1<unknown>): string | undefined {
  if (event.specversion !== '1.0') return `specversion must be 1.0`;
  try {
    (event as CloudEventV1<unknown> & { validate(): boolean }).validate();
    return undefined;
  } catch (error) {
    const details = (error as { errors?: { instancePath?: string; message?: string }[] }).errors;
    return (
      details?.map((d) => `${d.instancePath || 'event'} ${d.message ?? ''}`.trim()).join('; ') ??
      'does not match the CloudEvents 1.0 schema'
    );
  }
}

function fromEventGrid(raw: unknown): IncomingEvent {
  const e = (raw ?? {}) as Record<string, unknown>;
  return { id: e.id, type: e.eventType, time: e.eventTime, data: e.data };
}
