/**
 * One receivable entity — a queue, a subscription, or a dead-letter sub-queue — with Service Bus
 * peek-lock semantics: locks with a duration, renewal, complete / abandon / dead-letter / defer,
 * delivery counting, lock expiry → redelivery, and max delivery count → dead-letter.
 */
import type { Message as AmqpMessage } from 'rhea';
import type { EntitySettings } from './config';
import { MessageLockLostError, MessageNotFoundError } from './entity-errors';
import { newLockToken } from './lock-token';

/** A message as stored by the broker: the sender's AMQP message plus broker-assigned facts. */
export interface StoredMessage {
  readonly amqp: AmqpMessage;
  readonly sequenceNumber: number;
  readonly enqueuedAt: number;
  readonly expiresAt: number;
}

interface Entry {
  message: StoredMessage;
  /** Number of times the message has been handed to a receiver. */
  deliveries: number;
  deferred: boolean;
  lock?: { token: string; until: number; timer: NodeJS.Timeout };
}

/** What a receiver link gets: the message, its delivery count and (peek-lock) its lock. */
export interface Delivery {
  readonly message: StoredMessage;
  readonly deliveryCount: number;
  readonly lockToken?: string;
  readonly lockedUntil?: number;
  /** Set for a deferred message (peeked, or received by sequence number). */
  readonly deferred?: boolean;
}

/** A receiver attached to an entity. */
export interface Consumer {
  readonly receiveAndDelete: boolean;
  hasCredit(): boolean;
  deliver(delivery: Delivery): void;
}

/** Settlement outcomes, named as Service Bus names them. */
export type Settlement =
  | { kind: 'complete' }
  | { kind: 'abandon'; annotations?: Record<string, unknown> }
  | { kind: 'defer' }
  | {
      kind: 'deadLetter';
      reason?: string;
      description?: string;
      properties?: Record<string, unknown>;
    };

export class MessageEntity {
  private readonly entries: Entry[] = [];
  private readonly locks = new Map<string, Entry>();
  private readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  private dispatching = false;
  // One timer for the earliest expiry, so expired messages move (or vanish) even when nobody
  // receives from this entity, as Service Bus's background expiry does.
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt = Infinity;

  constructor(
    readonly path: string,
    readonly settings: EntitySettings,
    /** Where dead-lettered messages go; a dead-letter queue has none. */
    readonly deadLetterQueue?: MessageEntity,
  ) {}

  /** Messages not yet completed (active, locked and deferred). */
  get size(): number {
    return this.entries.length;
  }

  enqueue(message: StoredMessage): void {
    const entry: Entry = { message, deliveries: 0, deferred: false };
    const at = this.entries.findIndex((e) => e.message.sequenceNumber > message.sequenceNumber);
    if (at === -1) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    this.scheduleExpiry(message.expiresAt);
    this.dispatch();
  }

  attach(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.dispatch();
  }

  detach(consumer: Consumer): void {
    const at = this.consumers.indexOf(consumer);
    if (at !== -1) this.consumers.splice(at, 1);
  }

  /** Hands available messages to consumers with credit, round-robin. */
  dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      this.expireMessages();
      for (const entry of this.entries.slice()) {
        if (entry.lock || entry.deferred) continue;
        const consumer = this.pickConsumer();
        if (!consumer) break;
        this.handOver(entry, consumer);
      }
    } finally {
      this.dispatching = false;
    }
  }

  settle(lockToken: string, settlement: Settlement): void {
    const entry = this.locks.get(lockToken);
    if (!entry?.lock || entry.lock.until < Date.now()) throw new MessageLockLostError(lockToken);
    this.unlock(entry);
    switch (settlement.kind) {
      case 'complete':
        this.remove(entry);
        break;
      case 'defer':
        entry.deferred = true;
        break;
      case 'deadLetter':
        this.deadLetter(entry, settlement.reason, settlement.description, settlement.properties);
        break;
      case 'abandon':
        if (settlement.annotations) {
          entry.message.amqp.message_annotations = {
            ...entry.message.amqp.message_annotations,
            ...settlement.annotations,
          };
        }
        this.release(entry);
        break;
    }
    this.dispatch();
  }

  /** Extends a lock by the entity's lock duration; returns the new expiry (ms since epoch). */
  renewLock(lockToken: string): number {
    const entry = this.locks.get(lockToken);
    if (!entry?.lock || entry.lock.until < Date.now()) throw new MessageLockLostError(lockToken);
    clearTimeout(entry.lock.timer);
    entry.lock.until = Date.now() + this.settings.lockDurationMs;
    entry.lock.timer = this.lockTimer(entry);
    return entry.lock.until;
  }

  /** Browses messages from a sequence number without locking them (deferred ones included). */
  peek(fromSequenceNumber: number, count: number): Delivery[] {
    return this.entries
      .filter((e) => e.message.sequenceNumber >= fromSequenceNumber)
      .slice(0, count)
      .map((e) => ({ message: e.message, deliveryCount: e.deliveries, deferred: e.deferred }));
  }

  /**
   * Receives deferred messages by sequence number (they are only reachable this way): locked in
   * peek-lock mode (settling keeps Service Bus semantics: abandon leaves them deferred), removed
   * in receive-and-delete mode.
   */
  receiveDeferred(sequenceNumbers: readonly number[], peekLock: boolean): Delivery[] {
    return sequenceNumbers.map((sequenceNumber) => {
      const entry = this.entries.find(
        (e) => e.deferred && !e.lock && e.message.sequenceNumber === sequenceNumber,
      );
      if (!entry) throw new MessageNotFoundError(sequenceNumber);
      const deliveryCount = entry.deliveries;
      entry.deliveries++;
      if (!peekLock) {
        this.remove(entry);
        return { message: entry.message, deliveryCount, deferred: true };
      }
      return { message: entry.message, deliveryCount, deferred: true, ...this.lock(entry) };
    });
  }

  /** Drops every lock and timer (broker shutdown). */
  close(): void {
    clearTimeout(this.expiryTimer);
    for (const entry of this.locks.values()) if (entry.lock) clearTimeout(entry.lock.timer);
    this.locks.clear();
    this.consumers.length = 0;
  }

  private pickConsumer(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const index = (this.nextConsumer + i) % this.consumers.length;
      const consumer = this.consumers[index];
      if (consumer?.hasCredit()) {
        this.nextConsumer = index + 1;
        return consumer;
      }
    }
    return undefined;
  }

  private handOver(entry: Entry, consumer: Consumer): void {
    const deliveryCount = entry.deliveries;
    entry.deliveries++;
    if (consumer.receiveAndDelete) {
      this.remove(entry);
      consumer.deliver({ message: entry.message, deliveryCount });
      return;
    }
    consumer.deliver({ message: entry.message, deliveryCount, ...this.lock(entry) });
  }

  private lock(entry: Entry): { lockToken: string; lockedUntil: number } {
    const token = newLockToken();
    const until = Date.now() + this.settings.lockDurationMs;
    entry.lock = { token, until, timer: this.lockTimer(entry) };
    this.locks.set(token, entry);
    return { lockToken: token, lockedUntil: until };
  }

  private lockTimer(entry: Entry): NodeJS.Timeout {
    const timer = setTimeout(() => {
      // An expired lock is an abandon the receiver never sent: the attempt counts.
      if (!entry.lock) return;
      this.unlock(entry);
      this.release(entry);
      this.dispatch();
    }, this.settings.lockDurationMs);
    timer.unref();
    return timer;
  }

  private unlock(entry: Entry): void {
    if (!entry.lock) return;
    clearTimeout(entry.lock.timer);
    this.locks.delete(entry.lock.token);
    delete entry.lock;
  }

  private release(entry: Entry): void {
    if (entry.deliveries >= this.settings.maxDeliveryCount) {
      this.deadLetter(
        entry,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
    }
  }

  private deadLetter(
    entry: Entry,
    reason?: string,
    description?: string,
    extra?: Record<string, unknown>,
  ): void {
    this.remove(entry);
    if (!this.deadLetterQueue) return;
    const amqp = entry.message.amqp;
    const application_properties: Record<string, unknown> = {
      ...amqp.application_properties,
      ...extra,
    };
    if (reason !== undefined) application_properties['DeadLetterReason'] = reason;
    if (description !== undefined)
      application_properties['DeadLetterErrorDescription'] = description;
    this.deadLetterQueue.enqueue({
      ...entry.message,
      expiresAt: Number.MAX_SAFE_INTEGER,
      amqp: {
        ...amqp,
        application_properties,
        message_annotations: { ...amqp.message_annotations, 'x-opt-deadletter-source': this.path },
      },
    });
  }

  private remove(entry: Entry): void {
    const at = this.entries.indexOf(entry);
    if (at !== -1) this.entries.splice(at, 1);
  }

  private scheduleExpiry(at: number): void {
    if (at >= this.expiryAt || at >= Number.MAX_SAFE_INTEGER) return;
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    // setTimeout holds at most ~24.8 days; a later expiry re-arms when this fires.
    this.expiryTimer = setTimeout(
      () => {
        this.expiryAt = Infinity;
        this.dispatch();
        const next = Math.min(...this.entries.map((e) => e.message.expiresAt));
        if (Number.isFinite(next)) this.scheduleExpiry(next);
      },
      Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
    );
    this.expiryTimer.unref();
  }

  private expireMessages(): void {
    const now = Date.now();
    for (const entry of this.entries.slice()) {
      if (entry.lock || entry.message.expiresAt > now) continue;
      if (this.settings.deadLetterOnExpiration) {
        this.deadLetter(entry, 'TTLExpiredException', 'The message expired and was dead lettered.');
      } else {
        this.remove(entry);
      }
    }
  }
}
