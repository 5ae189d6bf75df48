import type { Clock } from '@akv-replicator/core';
import type { LeaseStore } from './lease-store';

/**
 * A lease record in memory, shared by the candidates of one process (tests, the embedded
 * stack): expires `leaseMs` after the holder's last write, on the clock it is given.
 */
export class MemoryLeaseStore implements LeaseStore {
  #record: { holder: string; expiresAt: number } | undefined;
  #observed: string | undefined;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** The current holder, if its lease has not run out. */
  get holder(): string | undefined {
    const record = this.#record;
    return record && record.expiresAt > this.clock.now() ? record.holder : undefined;
  }

  get observedHolder(): string | undefined {
    return this.#observed;
  }

  tryAcquire(identity: string, leaseMs: number): Promise<boolean> {
    const holder = this.holder;
    if (holder !== undefined && holder !== identity) {
      this.#observed = holder;
      return Promise.resolve(false);
    }
    this.#record = { holder: identity, expiresAt: this.clock.now() + leaseMs };
    this.#observed = identity;
    return Promise.resolve(true);
  }

  release(identity: string): Promise<void> {
    if (this.#record?.holder === identity) this.#record = undefined;
    return Promise.resolve();
  }
}
