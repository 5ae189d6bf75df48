import type { Subscription } from '../port/bus';
import type { DeliveryRunner } from './delivery-runner';

/** What a transport provides per lane so the shared subscription can drain it. */
export interface Lane {
  readonly runner: DeliveryRunner;
  /** Stop fetching new messages (in-flight ones keep running). */
  stop(): void;
  /** Release broker resources once drained (or abandoned). */
  detach(): Promise<void>;
  /** Messages waiting for this lane, when the transport can tell cheaply (metrics). */
  backlog?(): number | Promise<number>;
}

/**
 * A subscription made of lanes (one per routing key). Closing stops every lane's fetching,
 * drains in-flight handlers up to the drain timeout, then detaches. Idempotent.
 */
export class LaneSubscription implements Subscription {
  #closing: Promise<void> | undefined;
  readonly #closed: Promise<void>;
  #markClosed!: () => void;

  constructor(
    readonly topic: string,
    readonly subscription: string,
    private readonly lanes: readonly Lane[],
    private readonly drainTimeoutMs: number,
    private readonly onClosed: (subscription: LaneSubscription) => void,
  ) {
    this.#closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  closed(): Promise<void> {
    return this.#closed;
  }

  /** Messages waiting over every lane, or undefined when the transport does not say. */
  async backlog(): Promise<number | undefined> {
    const counts = await Promise.all(this.lanes.map((lane) => Promise.resolve(lane.backlog?.())));
    const known = counts.filter((count): count is number => count !== undefined);
    return known.length > 0 ? known.reduce((sum, count) => sum + count, 0) : undefined;
  }

  async #close(): Promise<void> {
    for (const lane of this.lanes) lane.stop();
    await Promise.all(this.lanes.map((lane) => lane.runner.drain(this.drainTimeoutMs)));
    await Promise.allSettled(this.lanes.map((lane) => lane.detach()));
    this.onClosed(this);
    this.#markClosed();
  }
}
