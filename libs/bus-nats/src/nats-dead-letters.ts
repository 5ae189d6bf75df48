import { nanos } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import {
  DEFAULT_DEAD_LETTER_LIST_LIMIT,
  type DeadLetter,
  type DeadLetterQuery,
} from '@akv-replicator/bus';
import { DEAD_LETTER_HEADERS, readProperties } from './nats-headers';
import { deadLetterStreamName, deadLetterSubject } from './nats-naming';

/** Reads a topic's dead letters with a short-lived ephemeral consumer (no acks, nothing removed). */
export async function listDeadLetters(
  js: JetStreamClient,
  jsm: JetStreamManager,
  prefix: string,
  topic: string,
  query: DeadLetterQuery,
): Promise<readonly DeadLetter[]> {
  const stream = deadLetterStreamName(prefix);
  const limit = query.limit ?? DEFAULT_DEAD_LETTER_LIST_LIMIT;
  const info = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    ...(query.afterSequence === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: query.afterSequence + 1 }),
    filter_subject: deadLetterSubject(prefix, topic, query.subscription),
    inactive_threshold: nanos(30_000),
    mem_storage: true,
  });
  try {
    const wanted = Math.min(limit, info.num_pending);
    const letters: DeadLetter[] = [];
    if (wanted === 0) return letters;
    const consumer = await js.consumers.get(stream, info.name);
    while (letters.length < wanted) {
      const batch = await consumer.fetch({ max_messages: wanted - letters.length, expires: 2_000 });
      let got = 0;
      for await (const message of batch) {
        letters.push(toDeadLetter(message, topic));
        got++;
      }
      if (got === 0) break;
    }
    return letters;
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => false);
  }
}

function toDeadLetter(message: JsMsg, topic: string): DeadLetter {
  const h = message.headers;
  const get = (key: string): string | undefined => h?.get(key) || undefined;
  return Object.freeze({
    topic,
    subscription: get(DEAD_LETTER_HEADERS.subscription) ?? '',
    reason: get(DEAD_LETTER_HEADERS.reason) ?? '',
    deliveryCount: Number(get(DEAD_LETTER_HEADERS.deliveryCount) ?? 0),
    body: message.data,
    envelopeId: get(DEAD_LETTER_HEADERS.envelopeId),
    routingKey: get(DEAD_LETTER_HEADERS.routingKey),
    properties: readProperties(h),
    at: get(DEAD_LETTER_HEADERS.at) ?? message.time.toISOString(),
    sequence: message.seq,
  });
}
