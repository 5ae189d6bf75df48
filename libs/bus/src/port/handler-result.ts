/**
 * What a handler decided about one delivery. Handlers return it and never touch the broker;
 * the transport turns it into ack / delayed redelivery / dead-letter.
 */
export type HandlerResult =
  | { readonly kind: 'ack' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'reject'; readonly reason: string };

const ACK: HandlerResult = Object.freeze({ kind: 'ack' });

/** Done: the message is settled and never delivered to this subscription again. */
export function ack(): HandlerResult {
  return ACK;
}

/**
 * Not now: redeliver after `delayMs` (counts as a delivery; after `maxDeliveries` the
 * message is dead-lettered with `reason`).
 */
export function retry(delayMs: number, reason: string): HandlerResult {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`retry delayMs must be a finite number >= 0 (got ${delayMs})`);
  }
  return Object.freeze({ kind: 'retry', delayMs: Math.round(delayMs), reason });
}

/** Never: dead-letter now with `reason` (poison message, permanent failure). */
export function reject(reason: string): HandlerResult {
  return Object.freeze({ kind: 'reject', reason });
}
