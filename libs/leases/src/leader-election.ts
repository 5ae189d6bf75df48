/** What an election tells its owner when leadership changes hands. */
export interface LeadershipListener {
  /**
   * This instance holds the lease now. `takeover` is true when it saw another holder (or lost
   * the lease itself) before: work the previous holder may have left half done is redone.
   */
  onStartedLeading(event: { readonly takeover: boolean }): void;
  /** This instance does not hold the lease any more (lost, expired or released by `stop()`). */
  onStoppedLeading(): void;
}

/**
 * One instance among several leads at a time: it acquires a lease, renews it every renew period
 * and loses it when a renewal fails or the lease runs out before one succeeded. Implementations:
 * {@link AlwaysLeader} (one instance), {@link LeaseCampaign} over a {@link LeaseStore} (memory,
 * NATS KV) and the Kubernetes Lease election (`@akv-replicator/leases/kubernetes`).
 */
export interface LeaderElection {
  /** Whether this instance leads now; false before `start()` and after `stop()`. */
  readonly isLeader: boolean;
  /**
   * The leader's identity as this instance last saw it: its own while leading, the holder's on
   * a round that found the lease held, undefined when unknown (no round answered yet, the lease
   * free, the store unreachable) — what a follower names when asked who plans.
   */
  readonly leader: string | undefined;
  /** Starts campaigning: tries at once, then every renew period. */
  start(): void;
  /** Stops campaigning; a holder releases the lease so a successor need not wait it out. Idempotent. */
  stop(): Promise<void>;
}

/** `kind: none`: the only instance, leading from `start()` to `stop()` (today's behaviour). */
export class AlwaysLeader implements LeaderElection {
  #leading = false;

  constructor(
    private readonly listener: LeadershipListener,
    /** What `leader` names while leading. */
    private readonly identity = 'the only instance',
  ) {}

  get isLeader(): boolean {
    return this.#leading;
  }

  get leader(): string | undefined {
    return this.#leading ? this.identity : undefined;
  }

  start(): void {
    if (this.#leading) return;
    this.#leading = true;
    this.listener.onStartedLeading({ takeover: false });
  }

  stop(): Promise<void> {
    if (this.#leading) {
      this.#leading = false;
      this.listener.onStoppedLeading();
    }
    return Promise.resolve();
  }
}
