/**
 * A stored event's body as `@azure/event-hubs` would hand it to a consumer: a data section holding
 * JSON is parsed (the SDK sends objects and strings as JSON in a data section), other data stays
 * bytes, an AMQP value or sequence is returned as is.
 */
import type { StoredEvent } from './partition-log';

const DATA = 0x75;

interface Section {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(body: unknown): body is Section {
  return typeof body === 'object' && body !== null && 'typecode' in body && 'content' in body;
}

export function eventBody(event: StoredEvent): unknown {
  const body: unknown = event.message.body;
  if (!isSection(body)) return body;
  if (body.typecode !== DATA || body.multiple || !Buffer.isBuffer(body.content))
    return body.content;
  try {
    return JSON.parse(body.content.toString('utf8')) as unknown;
  } catch {
    return body.content;
  }
}
