import { HTTP, type CloudEventV1 } from 'cloudevents';
import type { IncomingEvent } from './normalise';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export type CloudEventsResult =
  { kind: 'events'; events: IncomingEvent[] } | { kind: 'invalid'; reason: string };

/** Attributes CloudEvents 1.0 requires of every event (spec, "REQUIRED Attributes"). */
const REQUIRED = ['id', 'source', 'specversion', 'type'] as const;

/**
 * CloudEvents 1.0 as Event Grid delivers them
 * (https://learn.microsoft.com/azure/event-grid/cloud-event-schema): structured mode (one
 * event), batch mode (a JSON array; the Key Vault event schema page's own example is one) and
 * binary mode (`ce-*` headers). Refused only for what the spec requires — the four required
 * attributes present and non-empty, `specversion` 1.0 — never for the format of an attribute
 * we do not read: the documented example's `source` (`/subscriptions/{subscription-id}/…`) is
 * not a URI reference, and the CloudEvents SDK's schema validation refuses it. A missing `id`
 * is refused rather than invented (as the SDK does): we de-duplicate on it.
 */
export function parseCloudEvents(rawBody: string, headers: Headers): CloudEventsResult {
  if (headers['ce-specversion'] !== undefined) return parseBinary(rawBody, headers);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { kind: 'invalid', reason: 'invalid CloudEvent: body is not JSON' };
  }
  const events: unknown[] = Array.isArray(body) ? body : [body];
  if (events.length === 0) return { kind: 'invalid', reason: 'empty CloudEvents batch' };
  const taken: IncomingEvent[] = [];
  for (const event of events) {
    if (event === null || typeof event !== 'object' || Array.isArray(event))
      return { kind: 'invalid', reason: 'invalid CloudEvent: not a JSON object' };
    const e = event as Record<string, unknown>;
    const missing = REQUIRED.filter((name) => typeof e[name] !== 'string' || e[name] === '');
    if (missing.length > 0)
      return { kind: 'invalid', reason: `invalid CloudEvent: ${missing.join(', ')} missing` };
    if (e.specversion !== '1.0')
      return { kind: 'invalid', reason: 'invalid CloudEvent: specversion must be 1.0' };
    taken.push({ id: e.id, type: e.type, time: e.time, data: dataOf(e.data) });
  }
  return { kind: 'events', events: taken };
}

/** JSON data sent as a string (a producer's choice the spec allows) is read as JSON. */
function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

function parseBinary(rawBody: string, headers: Headers): CloudEventsResult {
  const present = (name: string) => {
    const value = headers[`ce-${name}`];
    return typeof value === 'string' && value !== '';
  };
  const missing = REQUIRED.filter((name) => !present(name));
  if (missing.length > 0)
    return {
      kind: 'invalid',
      reason: `invalid CloudEvent: ${missing.map((m) => `ce-${m}`).join(', ')} header missing`,
    };
  if (headers['ce-specversion'] !== '1.0')
    return { kind: 'invalid', reason: 'invalid CloudEvent: specversion must be 1.0' };
  try {
    const event = HTTP.toEvent({ headers: { ...headers }, body: rawBody }) as CloudEventV1<unknown>;
    return {
      kind: 'events',
      events: [{ id: event.id, type: event.type, time: event.time, data: dataOf(event.data) }],
    };
  } catch (error) {
    // The SDK's own messages name the attribute that failed. A body that is not the JSON its
    // content type declares fails in JSON.parse instead, whose message quotes the body: the
    // reason goes back to the caller and into logs, and must never carry a value.
    const what =
      error instanceof SyntaxError
        ? 'data is not the JSON its content type declares'
        : (error as Error).message.split('\n')[0];
    return { kind: 'invalid', reason: `invalid CloudEvent: ${what}` };
  }
}
