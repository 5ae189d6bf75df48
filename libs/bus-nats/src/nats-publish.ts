import type { MsgHdrs } from '@nats-io/nats-core';
import type { PublishReceipt } from '@akv-replicator/bus';
import { publishWithRetry } from '@akv-replicator/bus/transport';
import type { PubAckInbox } from './pub-ack-inbox';
import type { WriteBatcher } from './write-batcher';

/** One attempt's wait for the PubAck before trying again. */
export const NATS_PUBLISH_ATTEMPT_TIMEOUT_MS = 2_000;

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
 * Publishes until JetStream acknowledges or the timeout passes (the bus's shared
 * publishWithRetry: 50 ms doubling to 1 s between attempts). Every attempt carries the same
 * Nats-Msg-Id, so an attempt that was stored but whose PubAck was lost (broker killed, reconnect)
 * comes back as a duplicate instead of a second copy.
 */
export async function publishUntilAcknowledged(
  inbox: PubAckInbox,
  request: NatsPublishRequest,
): Promise<PublishReceipt> {
  request.headers.set('Nats-Msg-Id', request.id);
  return publishWithRetry(
    async (remainingMs) => {
      const timeout = Math.min(NATS_PUBLISH_ATTEMPT_TIMEOUT_MS, remainingMs);
      const ack = await request.batcher.run(() =>
        inbox.publish(request.subject, request.body, request.headers, timeout),
      );
      return { duplicate: ack.duplicate, sequence: ack.seq };
    },
    {
      topic: request.topic,
      id: request.id,
      timeoutMs: request.timeoutMs,
      isClosing: request.isClosed,
    },
  );
}
