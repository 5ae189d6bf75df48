import type { MsgHdrs } from '@nats-io/nats-core';
import { PublishTimeoutError, type PublishReceipt } from '@akv-replicator/bus';
import type { PubAckInbox } from './pub-ack-inbox';
import type { WriteBatcher } from './write-batcher';

/** One attempt's wait for the PubAck before trying again. */
export const NATS_PUBLISH_ATTEMPT_TIMEOUT_MS = 2_000;
/** Pause between attempts grows from this… */
export const NATS_PUBLISH_RETRY_MIN_MS = 50;
/** …to this. */
export const NATS_PUBLISH_RETRY_MAX_MS = 1_000;

export interface NatsPublishRequest {
  readonly topic: string;
  readonly subject: string;
  readonly body: Uint8Array;
  readonly id: string;
  readonly headers: MsgHdrs;
  readonly timeoutMs: number;
  readonly batcher: WriteBatcher;
  /** Stop retrying early (the connection closed for good). */
  readonly isClosed: () => boolean;
}

/**
 * Publishes until JetStream acknowledges or the timeout passes. Every attempt carries the same
 * Nats-Msg-Id, so an attempt that was stored but whose PubAck was lost (broker killed, reconnect)
 * comes back as a duplicate instead of a second copy.
 */
export async function publishUntilAcknowledged(
  inbox: PubAckInbox,
  request: NatsPublishRequest,
): Promise<PublishReceipt> {
  request.headers.set('Nats-Msg-Id', request.id);
  const deadline = Date.now() + request.timeoutMs;
  let pause = NATS_PUBLISH_RETRY_MIN_MS;
  let last: unknown;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || request.isClosed()) break;
    try {
      const timeout = Math.min(NATS_PUBLISH_ATTEMPT_TIMEOUT_MS, remaining);
      const ack = await request.batcher.run(() =>
        inbox.publish(request.subject, request.body, request.headers, timeout),
      );
      return { duplicate: ack.duplicate, sequence: ack.seq };
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))),
    );
    pause = Math.min(NATS_PUBLISH_RETRY_MAX_MS, pause * 2);
  }
  throw new PublishTimeoutError(request.topic, request.id, request.timeoutMs, last);
}
