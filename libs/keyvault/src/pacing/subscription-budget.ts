import { regionKey } from '@akv-replicator/core';
import { SlidingWindow } from './sliding-window';

/**
 * Key Vault's subscription-wide limit: all vaults of one subscription in one region share
 * five times the per-vault limit ("The subscription-wide limit for all transaction types is
 * five times per key vault limit … Do not send more than the subscription limit to the Key
 * Vault service in a single Azure region",
 * https://learn.microsoft.com/azure/key-vault/general/overview-throttling).
 */
export const SUBSCRIPTION_LIMIT_MULTIPLIER = 5;

/** Where a vault's requests count against the subscription-wide limit. */
export interface SubscriptionScope {
  readonly subscriptionId: string;
  readonly region: string;
}

/** Requests per window: Key Vault's limits, or the whole-request slice of them one process gets. */
export interface WindowLimits {
  readonly transactionsPerWindow: number;
  readonly createsPerWindow: number;
}

/**
 * The windows every VaultPacer of one subscription and region admits its requests through, on
 * top of its own: many vaults each below their limit can still exceed the subscription's.
 */
export class SubscriptionBudget {
  readonly transactions: SlidingWindow;
  readonly creates: SlidingWindow;

  /** @param allowance What this process may send to the scope's vaults per window, in total. */
  constructor(
    readonly scope: SubscriptionScope,
    allowance: WindowLimits,
    windowMs: number,
  ) {
    this.transactions = new SlidingWindow(Math.max(1, allowance.transactionsPerWindow), windowMs);
    this.creates = new SlidingWindow(Math.max(1, allowance.createsPerWindow), windowMs);
  }

  /** `subscription|region`, case-insensitive (ARM ids and locations are). */
  static keyOf(scope: SubscriptionScope): string {
    return `${scope.subscriptionId.toLowerCase()}|${regionKey(scope.region)}`;
  }
}
