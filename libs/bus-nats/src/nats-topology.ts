import { nanos } from '@nats-io/nats-core';
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { ResolvedSubscribeOptions } from '@akv-replicator/bus';
import {
  deadLetterStreamName,
  durableName,
  laneFilterSubject,
  streamName,
  topicSubjects,
} from './nats-naming';

/** JetStream API error codes we treat as "already there". */
const STREAM_NAME_IN_USE = 10058;
const CONSUMER_NOT_FOUND = 10014;

export interface StreamLimits {
  readonly dedupWindowMs: number;
  readonly maxAgeMs: number;
}

/** Creates the topic's stream unless it exists (file storage, limits retention, dedup window). */
export async function ensureTopicStream(
  jsm: JetStreamManager,
  prefix: string,
  topic: string,
  limits: StreamLimits,
): Promise<void> {
  await ensureStream(jsm, streamName(prefix, topic), topicSubjects(prefix, topic), limits);
}

/** Creates the installation's dead-letter stream unless it exists. */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  prefix: string,
  limits: StreamLimits,
): Promise<void> {
  await ensureStream(jsm, deadLetterStreamName(prefix), `${prefix}.dlq.>`, limits);
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  limits: StreamLimits,
): Promise<void> {
  try {
    await jsm.streams.add({
      name,
      subjects: [subject],
      storage: StorageType.File,
      // Limits retention keeps messages for subscriptions created later (durable "deliver all").
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(limits.dedupWindowMs),
      max_age: nanos(limits.maxAgeMs),
    });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
  }
}

/**
 * Creates a lane's durable pull consumer, or brings the settings we own (lease, filter) in line
 * when it exists. max_deliver stays unlimited: the bus counts deliveries and dead-letters
 * itself, so a message is never parked silently by the server.
 */
export async function ensureLaneConsumer(
  jsm: JetStreamManager,
  prefix: string,
  topic: string,
  options: ResolvedSubscribeOptions,
  routingKey: string | undefined,
): Promise<string> {
  const stream = streamName(prefix, topic);
  const durable = durableName(options.subscription, routingKey);
  const wanted = {
    ack_wait: nanos(options.ackWaitMs),
    max_ack_pending: Math.max(1_000, options.concurrency * 4),
  };
  try {
    const info = await jsm.consumers.info(stream, durable);
    if (
      info.config.ack_wait !== wanted.ack_wait ||
      (info.config.max_ack_pending ?? 0) < wanted.max_ack_pending
    ) {
      await jsm.consumers.update(stream, durable, wanted);
    }
    return durable;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND)) throw error;
  }
  try {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: laneFilterSubject(prefix, topic, routingKey),
      max_deliver: -1,
      ...wanted,
    });
  } catch (error) {
    // Another client created it between our info and add: theirs is as good as ours.
    await jsm.consumers.info(stream, durable).catch(() => {
      throw error;
    });
  }
  return durable;
}
