import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { BusErrorSink, Delivery, DeliveryRunner, Lane } from '@akv-replicator/bus/transport';
import { DEAD_LETTER_HEADERS, headerValue, readProperties, readTraceContext } from './nats-headers';
import { deadLetterSubject, routingKeyOf } from './nats-naming';
import type { WriteBatcher } from './write-batcher';
import { headers } from '@nats-io/nats-core';

/** Pull expiry: short, so a lane notices a restarted broker within seconds. */
export const NATS_PULL_EXPIRES_MS = 5_000;
/** Time allowed for the server to confirm an ack (ack-ack). */
export const NATS_ACK_TIMEOUT_MS = 5_000;

export interface NatsLaneContext {
  readonly js: JetStreamClient;
  readonly prefix: string;
  readonly topic: string;
  readonly subscription: string;
  readonly ackWaitMs: number;
  readonly onError: BusErrorSink;
  /** Groups acks and publishes of one connection into shared socket writes. */
  readonly batcher: WriteBatcher;
  /** Wait for the server to confirm each ack (ack-ack). */
  readonly confirmAcks: boolean;
}

/**
 * One JetStream pull consumer feeding one runner. Pulls at most `concurrency` messages ahead
 * and keeps the lease of a pulled message alive while it waits for a slot.
 */
export async function startNatsLane(
  consumer: Consumer,
  runner: DeliveryRunner,
  context: NatsLaneContext,
): Promise<Lane> {
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: runner.slots.capacity,
    expires: NATS_PULL_EXPIRES_MS,
  });
  let stopped = false;
  const loop = (async () => {
    for await (const message of messages) {
      if (stopped) {
        message.nak(); // pulled but never started: give it straight back
        continue;
      }
      if (!runner.slots.tryAcquire()) {
        const keepAlive = setInterval(
          () => message.working(),
          Math.max(1, Math.floor(context.ackWaitMs / 3)),
        );
        await runner.slots.acquire();
        clearInterval(keepAlive);
        if (stopped) {
          runner.slots.release();
          message.nak();
          continue;
        }
      }
      runner.run(toDelivery(message, context));
    }
  })().catch((error: unknown) => {
    // The iterator only fails when the connection is gone for good; report, never crash.
    context.onError(error, {
      topic: context.topic,
      subscription: context.subscription,
      action: 'consume',
    });
  });
  return {
    runner,
    stop: () => {
      stopped = true;
      messages.stop();
    },
    detach: async () => {
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    },
    // One consumer-info request per scrape: num_pending = stream messages not yet delivered.
    backlog: async () => (await consumer.info()).num_pending,
  };
}

function toDelivery(message: JsMsg, context: NatsLaneContext): Delivery {
  const routingKey = routingKeyOf(message.subject);
  const properties = readProperties(message.headers);
  return {
    body: message.data,
    deliveryCount: message.info.deliveryCount,
    routingKey,
    properties,
    traceContext: readTraceContext(message.headers),
    ack: async () => {
      // A plain ack lost to a broker restart only causes a redelivery, which the completed-id
      // set acks without running the handler; confirmation costs a round trip per message.
      if (!context.confirmAcks) {
        await context.batcher.run(async () => message.ack());
        return;
      }
      const confirmed = await message.ackAck({ timeout: NATS_ACK_TIMEOUT_MS });
      if (!confirmed) throw new Error(`ack of stream sequence ${message.seq} not confirmed`);
    },
    retry: async (delayMs) => {
      message.nak(delayMs);
    },
    deadLetter: async (reason, envelopeId) => {
      const h = headers();
      h.set(DEAD_LETTER_HEADERS.reason, headerValue(reason));
      h.set(DEAD_LETTER_HEADERS.deliveryCount, String(message.info.deliveryCount));
      h.set(DEAD_LETTER_HEADERS.topic, context.topic);
      h.set(DEAD_LETTER_HEADERS.subscription, context.subscription);
      if (routingKey !== undefined) h.set(DEAD_LETTER_HEADERS.routingKey, routingKey);
      if (envelopeId !== undefined) h.set(DEAD_LETTER_HEADERS.envelopeId, headerValue(envelopeId));
      h.set(DEAD_LETTER_HEADERS.at, new Date().toISOString());
      const original = message.headers;
      if (original)
        for (const [key, values] of original)
          if (!key.startsWith('Akvr-Dead') && !key.startsWith('Nats-'))
            for (const v of values) h.append(key, v);
      // Stored first, then terminated: a crash in between re-dead-letters, deduplicated by msgID.
      await context.js.publish(
        deadLetterSubject(context.prefix, context.topic, context.subscription),
        message.data,
        {
          headers: h,
          msgID: `dlq:${message.info.stream}:${message.seq}:${context.subscription}`,
        },
      );
      message.term(headerValue(reason).slice(0, 200));
    },
    working: () => message.working(),
  };
}
