/**
 * Where a lease record lives: one holder at a time, written with compare-and-set so two
 * candidates cannot both win, and gone once its holder stops renewing for the lease duration.
 */
export interface LeaseStore {
  /**
   * Writes `identity` as the holder if the lease is free, expired or already this identity's
   * (a renewal); resolves true then, false when another holder has it. Throws when the store
   * cannot be reached or a concurrent writer won the compare-and-set — both mean "not held".
   */
  tryAcquire(identity: string, leaseMs: number): Promise<boolean>;
  /**
   * The holder the last `tryAcquire` found: the caller after a success, another candidate after
   * a refusal, undefined when it failed. Optional: a store that does not say leaves the leader
   * unknown to followers.
   */
  readonly observedHolder?: string | undefined;
  /** Frees the lease if `identity` still holds it (never another holder's record). */
  release(identity: string): Promise<void>;
}
