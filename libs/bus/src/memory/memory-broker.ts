import { systemClock, type Clock } from '@akv-replicator/core';
import type { DeadLetter, DeadLetterQuery, PublishReceipt } from '../port/bus';
import { checkBusName, DEFAULT_DEDUP_WINDOW_MS, checkDurationMs } from '../port/options';
import type { MemoryBusOptions } from './memory-bus';
import { MemoryBus } from './memory-bus';
import type { MemoryTopicLimits } from './memory-topic';
import { MemoryTopic } from './memory-topic';

/** Messages a topic keeps for durable subscriptions created after they were published. */
export const DEFAULT_MEMORY_RETAINED_MESSAGES = 10_000;
/** Dead letters a topic keeps (oldest dropped first). */
export const DEFAULT_MEMORY_DEAD_LETTER_LIMIT = 10_000;

export interface MemoryBrokerOptions {
  /** Default DEFAULT_DEDUP_WINDOW_MS. */
  readonly dedupWindowMs?: number;
  /** Default DEFAULT_MEMORY_RETAINED_MESSAGES. */
  readonly retainedMessages?: number;
  /** Default DEFAULT_MEMORY_DEAD_LETTER_LIMIT. */
  readonly deadLetterLimit?: number;
  /** What the dedup window is measured on (tests pass a ManualClock). Default systemClock. */
  readonly clock?: Pick<Clock, 'now'>;
}

/** Raw publish (tests, ingress of foreign bytes): no envelope validation on the way in. */
export interface RawPublishOptions {
  readonly id?: string;
  readonly routingKey?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * The in-process broker: topics, durable lanes, dead letters. Several MemoryBus clients may
 * connect to one broker (like services sharing a NATS server); closing a client keeps the
 * broker's state, so a later client resumes the same durable subscriptions.
 */
export class MemoryBroker {
  readonly #topics = new Map<string, MemoryTopic>();
  readonly #limits: MemoryTopicLimits;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(options: MemoryBrokerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#limits = Object.freeze({
      dedupWindowMs: checkDurationMs(
        'dedupWindowMs',
        options.dedupWindowMs,
        DEFAULT_DEDUP_WINDOW_MS,
      ),
      retainedMessages: checkDurationMs(
        'retainedMessages',
        options.retainedMessages,
        DEFAULT_MEMORY_RETAINED_MESSAGES,
      ),
      deadLetterLimit: checkDurationMs(
        'deadLetterLimit',
        options.deadLetterLimit,
        DEFAULT_MEMORY_DEAD_LETTER_LIMIT,
      ),
    });
  }

  /** A new client of this broker. */
  connect(options: MemoryBusOptions = {}): MemoryBus {
    return new MemoryBus(this, options);
  }

  topic(name: string): MemoryTopic {
    let topic = this.#topics.get(name);
    if (!topic) {
      topic = new MemoryTopic(checkBusName('topic', name), this.#limits, this.#clock);
      this.#topics.set(name, topic);
    }
    return topic;
  }

  publishRaw(topic: string, body: Uint8Array, options: RawPublishOptions = {}): PublishReceipt {
    if (options.routingKey !== undefined) checkBusName('routingKey', options.routingKey);
    return this.topic(topic).publish(
      body,
      options.id,
      options.routingKey,
      Object.freeze({ ...options.properties }),
    );
  }

  deadLetters(topic: string, query: DeadLetterQuery = {}): readonly DeadLetter[] {
    return this.#topics.get(topic)?.deadLetters(query) ?? [];
  }

  /** Cancels every timer (delayed redeliveries, leases). */
  dispose(): void {
    for (const topic of this.#topics.values()) topic.dispose();
  }
}
