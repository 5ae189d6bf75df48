/**
 * One partition's append-only event log, kept in memory with a retention window so consumers can
 * replay from any retained offset, sequence number or enqueued time.
 */
import type { Message as AmqpMessage } from 'rhea';
import type { StartPosition } from './filter';

/** An event as the partition holds it: the producer's message plus what the broker assigned. */
export interface StoredEvent {
  /** 0, 1, 2… per partition, like Event Hubs. */
  readonly sequenceNumber: number;
  /**
   * Decimal byte position of the event in the partition (the sum of the encoded sizes before it),
   * so offsets differ from sequence numbers as they do on Azure and a client confusing them fails.
   */
  readonly offset: string;
  /** Milliseconds since the epoch, strictly increasing within a partition. */
  readonly enqueuedTime: number;
  readonly partitionKey: string | undefined;
  /** The message as the producer sent it (the broker's annotations are added on delivery). */
  readonly message: AmqpMessage;
}

/** How much a partition keeps; the oldest events go first when either limit is passed. */
export interface Retention {
  /** Default 100,000 events per partition. */
  readonly maxEvents?: number;
  /** Default: no age limit. */
  readonly maxAgeMs?: number;
}

export const DEFAULT_MAX_EVENTS = 100_000;

export interface PartitionSummary {
  readonly beginningSequenceNumber: number;
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedOffset: string;
  readonly lastEnqueuedTime: number;
  readonly isEmpty: boolean;
}

export class PartitionLog {
  /** Retained events are `events[head..]`; the dead prefix is compacted away in bulk. */
  private events: StoredEvent[] = [];
  private head = 0;
  private nextSequenceNumber = 0;
  private nextOffset = 0;
  private lastEnqueued: StoredEvent | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly id: string,
    private readonly retention: Retention = {},
  ) {}

  /** Appends one event; `size` is its encoded length, which advances the offset. */
  append(message: AmqpMessage, partitionKey: string | undefined, size: number): StoredEvent {
    const previous = this.lastEnqueued?.enqueuedTime ?? 0;
    const event: StoredEvent = {
      sequenceNumber: this.nextSequenceNumber++,
      offset: String(this.nextOffset),
      // Strictly increasing, so an enqueued-time position splits a partition unambiguously.
      enqueuedTime: Math.max(Date.now(), previous + 1),
      partitionKey,
      message,
    };
    this.nextOffset += Math.max(1, size);
    this.events.push(event);
    this.lastEnqueued = event;
    this.trim();
    return event;
  }

  /** Tells every waiting consumer that events were appended (call once per transfer). */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Registers a wake-up for appended events; returns the unsubscribe. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Retained events, oldest first (a copy, for assertions). */
  retained(): StoredEvent[] {
    this.trim();
    return this.events.slice(this.head);
  }

  /** The event with this sequence number, or the first retained one after it. */
  at(sequenceNumber: number): StoredEvent | undefined {
    this.trim();
    const first = this.events[this.head];
    if (!first) return undefined;
    return this.events[this.head + Math.max(0, sequenceNumber - first.sequenceNumber)];
  }

  /** The sequence number a consumer starting at `position` reads first. */
  resolve(position: StartPosition): number {
    this.trim();
    const beginning = this.events[this.head]?.sequenceNumber ?? this.nextSequenceNumber;
    switch (position.kind) {
      case 'earliest':
        return beginning;
      case 'latest':
        return this.nextSequenceNumber;
      case 'sequence':
        return Math.max(beginning, position.inclusive ? position.value : position.value + 1);
      case 'offset': {
        const found = this.retainedView().find((e) =>
          position.inclusive
            ? Number(e.offset) >= position.value
            : Number(e.offset) > position.value,
        );
        return found?.sequenceNumber ?? this.nextSequenceNumber;
      }
      case 'enqueued': {
        const found = this.retainedView().find((e) => e.enqueuedTime > position.value);
        return found?.sequenceNumber ?? this.nextSequenceNumber;
      }
    }
  }

  summary(): PartitionSummary {
    this.trim();
    const last = this.lastEnqueued;
    return {
      beginningSequenceNumber: this.events[this.head]?.sequenceNumber ?? this.nextSequenceNumber,
      lastEnqueuedSequenceNumber: last?.sequenceNumber ?? -1,
      lastEnqueuedOffset: last?.offset ?? '-1',
      lastEnqueuedTime: last?.enqueuedTime ?? 0,
      isEmpty: this.head === this.events.length,
    };
  }

  private retainedView(): readonly StoredEvent[] {
    return this.head === 0 ? this.events : this.events.slice(this.head);
  }

  private trim(): void {
    const maxEvents = this.retention.maxEvents ?? DEFAULT_MAX_EVENTS;
    let head = Math.max(this.head, this.events.length - maxEvents);
    const maxAgeMs = this.retention.maxAgeMs;
    if (maxAgeMs !== undefined) {
      const oldest = Date.now() - maxAgeMs;
      while (head < this.events.length && this.events[head]!.enqueuedTime < oldest) head++;
    }
    this.head = head;
    // Copying the survivors only once half the array is dead keeps appends amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }
}
