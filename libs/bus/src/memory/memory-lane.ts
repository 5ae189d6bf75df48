import type { Delivery } from '../runtime/delivery';
import { Fifo } from './fifo';
import type { MemoryMessage } from './memory-topic';

/** A message waiting in or delivered from a lane. */
interface Entry {
  readonly message: MemoryMessage;
  deliveries: number;
}

type Taker = (entry: Entry | undefined) => void;

export interface DeadLetterSink {
  (
    message: MemoryMessage,
    reason: string,
    deliveryCount: number,
    envelopeId: string | undefined,
  ): void;
}

/**
 * One durable subscription lane (subscription name + optional routing key): a queue that
 * keeps messages until a consumer settles them, shared by every consumer attached to it.
 * Messages are leased to one consumer at a time; an expired lease puts them back.
 */
export class MemoryLane {
  readonly #ready = new Fifo<Entry>();
  readonly #takers: Taker[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly routingKey: string | undefined,
    private readonly deadLetter: DeadLetterSink,
  ) {}

  /** Messages waiting for a consumer (not leased). */
  get waiting(): number {
    return this.#ready.length;
  }

  matches(message: MemoryMessage): boolean {
    return this.routingKey === undefined || message.routingKey === this.routingKey;
  }

  enqueue(message: MemoryMessage): void {
    this.#offer({ message, deliveries: 0 });
  }

  /** Resolves with the next message for a consumer, or undefined when `cancel` is called. */
  take(): { next: Promise<Entry | undefined>; cancel: () => void } {
    const ready = this.#ready.shift();
    if (ready) return { next: Promise.resolve(ready), cancel: () => {} };
    let taker!: Taker;
    const next = new Promise<Entry | undefined>((resolve) => {
      taker = resolve;
    });
    this.#takers.push(taker);
    return {
      next,
      cancel: () => {
        const index = this.#takers.indexOf(taker);
        if (index >= 0) this.#takers.splice(index, 1);
        taker(undefined);
      },
    };
  }

  /** Gives a taken entry back untouched (its consumer stopped before using it). */
  giveBack(entry: Entry): void {
    this.#offer(entry, true);
  }

  /** Leases `entry` to a consumer and returns the delivery the runner settles. */
  deliver(entry: Entry, ackWaitMs: number): Delivery {
    entry.deliveries++;
    let settled = false;
    let lease: NodeJS.Timeout | undefined;
    const clearLease = (): void => {
      if (lease) this.#clear(lease);
      lease = undefined;
    };
    const renewLease = (): void => {
      clearLease();
      lease = this.#after(ackWaitMs, () => {
        lease = undefined;
        if (settled) return;
        settled = true;
        this.#offer(entry, true);
      });
    };
    const settle = (fn: () => void): Promise<void> => {
      if (!settled) {
        settled = true;
        clearLease();
        fn();
      }
      return Promise.resolve();
    };
    renewLease();
    const { message } = entry;
    return {
      body: message.body,
      deliveryCount: entry.deliveries,
      routingKey: message.routingKey,
      properties: message.properties,
      traceContext: {},
      ack: () => settle(() => {}),
      retry: (delayMs) =>
        settle(() => {
          this.#after(delayMs, () => this.#offer(entry));
        }),
      deadLetter: (reason, envelopeId) =>
        settle(() => this.deadLetter(message, reason, entry.deliveries, envelopeId)),
      working: () => {
        if (!settled) renewLease();
      },
    };
  }

  /** Cancels pending timers (broker shutdown). */
  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const taker of this.#takers.splice(0)) taker(undefined);
  }

  #offer(entry: Entry, front = false): void {
    const taker = this.#takers.shift();
    if (taker) taker(entry);
    else if (front) this.#ready.unshift(entry);
    else this.#ready.push(entry);
  }

  #after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clear(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }
}
