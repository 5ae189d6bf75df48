import { silentLogger, type Envelope, type Logger } from '@akv-replicator/core';
import type { Publisher, PublishOptions, PublishReceipt } from '@akv-replicator/bus';
import type { LeadershipListener } from '@akv-replicator/leases';

/** What only the leader does: subscriptions, the reconcile schedule, the dead-letter watch. */
export interface LeaderDuties {
  /**
   * Takes the duties up. `reconcileNow`: the new leader reconciles at once — a takeover, where
   * the previous leader may have died mid-reconcile, or `reconcile.onStart` on a first gain.
   * `signal` aborts when this term of leadership ends.
   */
  begin(term: { readonly takeover: boolean; readonly signal: AbortSignal }): Promise<void>;
  /** Lays them down: unsubscribes, stops the schedule, waits for a reconcile under way to end. */
  end(): Promise<void>;
}

/** Publishing as discovery after this instance lost the lease: the reconcile stops planning. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  /** The bus redelivers the message being handled; the leader plans it. */
  readonly retryable = true;
  constructor() {
    super('this discovery instance is not the leader any more: planning stops');
  }
}

/**
 * Follows a {@link LeaderElection}'s gains and losses: takes the leader duties up and lays them
 * down in order (a loss during a gain waits for the gain to finish), and gates everything
 * discovery publishes so nothing is planned outside a term — a leader losing the lease
 * mid-reconcile fails its next publish and the reconcile stops there.
 */
export class DiscoveryLeadership {
  #term: AbortController | undefined;
  #transitions: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  readonly #log: Logger;

  constructor(
    private readonly duties: LeaderDuties,
    logger: Logger = silentLogger,
    /**
     * Called when taking the duties up failed (a subscription could not be made): a leader
     * without subscriptions would hold the lease and plan nothing, so the owner hands the lease
     * on (restarts the campaign). Without it the failure only surfaces from `settled()`.
     */
    private readonly onDutiesFailed?: () => void,
  ) {
    this.#log = logger;
  }

  /** True from a gain until the next loss. */
  get isLeading(): boolean {
    return this.#term !== undefined && !this.#term.signal.aborted;
  }

  /** Hand this to the election. */
  readonly listener: LeadershipListener = {
    onStartedLeading: ({ takeover }) => {
      const term = new AbortController();
      this.#term = term;
      this.#log.info('discovery leads', { takeover });
      this.#enqueue(async () => {
        try {
          await this.duties.begin({ takeover, signal: term.signal });
        } catch (error) {
          if (!this.onDutiesFailed) throw error;
          this.#log.error('could not take up the leader duties; handing the lease on', {
            error: (error as Error).message,
          });
          await this.duties.end().catch(() => {});
          this.onDutiesFailed();
        }
      });
    },
    onStoppedLeading: () => {
      this.#term?.abort(new NotLeaderError());
      this.#term = undefined;
      this.#log.info('discovery follows: another instance plans');
      this.#enqueue(() => this.duties.end());
    },
  };

  /**
   * Resolves once every gain and loss so far has been acted on; rejects with the first failure
   * since the last call (a subscription that could not be made), so `start()` reports it.
   */
  async settled(): Promise<void> {
    await this.#transitions;
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure;
  }

  /** A publisher that refuses while this instance does not lead. */
  gate(publisher: Publisher): Publisher {
    return {
      publish: (
        topic: string,
        envelope: Envelope,
        options?: PublishOptions,
      ): Promise<PublishReceipt> =>
        this.isLeading
          ? publisher.publish(topic, envelope, options)
          : Promise.reject(new NotLeaderError()),
    };
  }

  #enqueue(step: () => Promise<void>): void {
    this.#transitions = this.#transitions.then(step).catch((error: unknown) => {
      this.#log.error('leadership change failed', { error: (error as Error).message });
      this.#failure ??= error as Error;
    });
  }
}
