/**
 * How a stored message looks on the wire when Service Bus hands it out: the sender's message plus
 * the broker annotations `@azure/service-bus` reads (sequence number, enqueued time, lock).
 */
import type { Message as AmqpMessage } from 'rhea';
import type { Delivery } from './message-entity';
import { uuidBytes } from './lock-token';
import { decodeMessage, rhea } from './rhea';

export function toWireMessage(delivery: Delivery): AmqpMessage {
  const { message, deliveryCount, lockToken, lockedUntil } = delivery;
  const annotations: Record<string, unknown> = {
    ...message.amqp.message_annotations,
    'x-opt-sequence-number': rhea.types.wrap_long(message.sequenceNumber),
    'x-opt-enqueued-time': new Date(message.enqueuedAt),
  };
  if (lockToken !== undefined)
    annotations['x-opt-lock-token'] = rhea.types.wrap_uuid(uuidBytes(lockToken));
  if (lockedUntil !== undefined) annotations['x-opt-locked-until'] = new Date(lockedUntil);
  // Service Bus message states: 0 active, 1 deferred, 2 scheduled.
  if (delivery.deferred) annotations['x-opt-message-state'] = 1;
  return { ...message.amqp, delivery_count: deliveryCount, message_annotations: annotations };
}

const BATCH_MESSAGE_FORMAT = 0x80013700;

/** A 64-bit AMQP long as it arrives decoded (a number, or 8 big-endian bytes). */
export function longFromWire(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  if (value && typeof value === 'object' && 'value' in value)
    return longFromWire((value as { value: unknown }).value);
  throw new TypeError('expected a long');
}

/**
 * Messages of one transfer. A batch (message format 0x80013700) arrives undecoded from rhea: one
 * envelope message whose data sections each hold one encoded message.
 */
export function unbatch(message: AmqpMessage | Buffer, format: number | undefined): AmqpMessage[] {
  if (!Buffer.isBuffer(message)) return [message];
  if (format !== BATCH_MESSAGE_FORMAT)
    throw new Error(`unsupported message format ${String(format)}`);
  const body = decodeMessage(message).body as
    { content?: Buffer | Buffer[]; multiple?: boolean } | undefined;
  const content = body?.content;
  const parts =
    Array.isArray(content) && body?.multiple ? content : content ? [content as Buffer] : [];
  return parts.map((part) => decodeMessage(part));
}
