import type { Clock } from '@akv-replicator/core';
import type { DeadLetter, DeadLetterQuery, PublishReceipt } from '../port/bus';
import { DEFAULT_DEAD_LETTER_LIST_LIMIT } from '../port/options';
import { Fifo } from './fifo';
import { MemoryLane } from './memory-lane';

/** A published message as the memory broker stores it. */
export interface MemoryMessage {
  readonly sequence: number;
  readonly body: Uint8Array;
  readonly routingKey: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
}

export interface MemoryTopicLimits {
  readonly dedupWindowMs: number;
  readonly retainedMessages: number;
  readonly deadLetterLimit: number;
}

/**
 * One topic: a de-duplication window by message id, a bounded log retained for lanes created
 * later (JetStream-like "deliver all"), the lanes, and the dead letters.
 */
export class MemoryTopic {
  #sequence = 0;
  #deadLetterSequence = 0;
  readonly #seen = new Map<string, number>();
  readonly #retained = new Fifo<MemoryMessage>();
  readonly #lanes = new Map<string, MemoryLane>();
  readonly #deadLetters = new Fifo<DeadLetter>();

  constructor(
    readonly name: string,
    private readonly limits: MemoryTopicLimits,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  publish(
    body: Uint8Array,
    id: string | undefined,
    routingKey: string | undefined,
    properties: Readonly<Record<string, string>>,
  ): PublishReceipt {
    const now = this.clock.now();
    for (const [seenId, expiry] of this.#seen) {
      if (expiry > now) break;
      this.#seen.delete(seenId);
    }
    if (id !== undefined) {
      if (this.#seen.has(id)) return { duplicate: true };
      this.#seen.set(id, now + this.limits.dedupWindowMs);
    }
    const message: MemoryMessage = { sequence: ++this.#sequence, body, routingKey, properties };
    this.#retained.push(message);
    if (this.#retained.length > this.limits.retainedMessages) this.#retained.shift();
    for (const lane of this.#lanes.values()) {
      if (lane.matches(message)) lane.enqueue(message);
    }
    return { duplicate: false, sequence: message.sequence };
  }

  /** The lane of a durable subscription; a new one starts with the retained messages. */
  lane(subscription: string, routingKey: string | undefined): MemoryLane {
    const key = `${subscription}\u0000${routingKey ?? '*'}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = new MemoryLane(routingKey, (message, reason, deliveryCount, envelopeId) =>
        this.#addDeadLetter(subscription, message, reason, deliveryCount, envelopeId),
      );
      this.#lanes.set(key, lane);
      for (const message of this.#retained) if (lane.matches(message)) lane.enqueue(message);
    }
    return lane;
  }

  deadLetters(query: DeadLetterQuery): readonly DeadLetter[] {
    const limit = query.limit ?? DEFAULT_DEAD_LETTER_LIST_LIMIT;
    return [...this.#deadLetters]
      .filter(
        (letter) =>
          (query.subscription === undefined || letter.subscription === query.subscription) &&
          (query.afterSequence === undefined || (letter.sequence ?? 0) > query.afterSequence),
      )
      .slice(0, limit);
  }

  dispose(): void {
    for (const lane of this.#lanes.values()) lane.dispose();
  }

  #addDeadLetter(
    subscription: string,
    message: MemoryMessage,
    reason: string,
    deliveryCount: number,
    envelopeId: string | undefined,
  ): void {
    this.#deadLetters.push(
      Object.freeze({
        topic: this.name,
        subscription,
        reason,
        deliveryCount,
        body: message.body,
        envelopeId,
        routingKey: message.routingKey,
        properties: message.properties,
        at: new Date().toISOString(),
        sequence: ++this.#deadLetterSequence,
      }),
    );
    if (this.#deadLetters.length > this.limits.deadLetterLimit) this.#deadLetters.shift();
  }
}
