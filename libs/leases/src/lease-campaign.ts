import { silentLogger, systemClock, type Clock, type Logger } from '@akv-replicator/core';
import type { LeaderElection, LeadershipListener } from './leader-election';
import type { LeaseStore } from './lease-store';

export interface LeaseCampaignOptions {
  /** This candidate's identity (host or pod name + random suffix): the lease's holder. */
  readonly identity: string;
  /** A holder that has not renewed for this long loses the lease to the next candidate. */
  readonly leaseMs: number;
  /** How often the holder renews and a candidate retries; well inside `leaseMs`. */
  readonly renewMs: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Campaigns for a lease in a {@link LeaseStore}: tries at once, then every `renewMs`. The holder
 * stops leading on the first failed renewal, or when `leaseMs` has passed since the start of its
 * last successful one — measured before the write, so it has stepped down by the time the store
 * lets anyone else take over.
 */
export class LeaseCampaign implements LeaderElection {
  readonly #clock: Clock;
  readonly #log: Logger;
  #leading = false;
  #leader: string | undefined;
  #sawOther = false;
  #stopped = true;
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #deadline: ReturnType<Clock['setTimeout']> | undefined;
  #round: Promise<void> | undefined;

  constructor(
    private readonly store: LeaseStore,
    private readonly listener: LeadershipListener,
    private readonly options: LeaseCampaignOptions,
  ) {
    if (!(options.renewMs < options.leaseMs))
      throw new RangeError('renewMs must be shorter than leaseMs');
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ candidate: options.identity });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  get leader(): string | undefined {
    return this.#leading ? this.options.identity : this.#leader;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      this.#round = this.round().finally(() => {
        if (!this.#stopped) this.#timer = this.#clock.setTimeout(tick, this.options.renewMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    await this.#round;
    if (this.#leading) this.#setLeading(false);
    this.#leader = undefined;
    // Also when a round won the lease while stopping: the record must not wait out its expiry.
    try {
      await this.store.release(this.options.identity);
    } catch (error) {
      this.#log.warn('could not release the lease; a successor waits for it to expire', {
        reason: (error as Error).message,
      });
    }
  }

  /** One round: acquire, renew or observe another holder. Never throws. */
  private async round(): Promise<void> {
    const started = this.#clock.now();
    let held: boolean;
    try {
      held = await this.#bounded(
        this.store.tryAcquire(this.options.identity, this.options.leaseMs),
      );
      this.#leader = this.store.observedHolder;
    } catch (error) {
      this.#leader = undefined;
      if (this.#leading)
        this.#log.warn('lease renewal failed; stopping leading', {
          reason: (error as Error).message,
        });
      else this.#log.debug('lease acquisition failed', { reason: (error as Error).message });
      held = false;
    }
    if (this.#stopped && !this.#leading) return;
    if (!held) {
      this.#sawOther = true;
      if (this.#leading) this.#setLeading(false);
      return;
    }
    if (this.#deadline) this.#clock.clearTimeout(this.#deadline);
    const left = this.options.leaseMs - (this.#clock.now() - started);
    this.#deadline = this.#clock.setTimeout(() => {
      if (!this.#leading) return;
      this.#log.warn('the lease was not renewed in time; stopping leading');
      this.#sawOther = true;
      this.#setLeading(false);
    }, left);
    if (!this.#leading && !this.#stopped) this.#setLeading(true);
  }

  /** A store call that hangs (a dead connection) fails after one renew period instead. */
  #bounded<T>(request: Promise<T>): Promise<T> {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(
        () => reject(new Error(`the lease store did not answer within ${this.options.renewMs} ms`)),
        this.options.renewMs,
      );
    });
    return Promise.race([request, timeout]).finally(() => this.#clock.clearTimeout(timer!));
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    if (!leading && this.#deadline) this.#clock.clearTimeout(this.#deadline);
    this.#log.info(leading ? 'leading' : 'not leading any more');
    if (leading) this.listener.onStartedLeading({ takeover: this.#sawOther });
    else {
      this.#sawOther = true;
      this.listener.onStoppedLeading();
    }
  }
}
