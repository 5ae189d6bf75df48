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

/**
 * The windows every VaultPacer of one subscription and region admits its requests through, on
 * top of its own: many vaults each below their limit can still exceed the subscription's.
 */
export class SubscriptionBudget {
  readonly transactions: SlidingWindow;
  readonly creates: SlidingWindow;

  constructor(
    readonly scope: SubscriptionScope,
    perVault: {
      transactionsPerWindow: number;
      createsPerWindow: number;
      utilization: number;
      createsUtilization?: number | undefined;
    },
    windowMs: number,
  ) {
    const share = (limit: number, utilization: number) =>
      Math.max(1, Math.floor(limit * SUBSCRIPTION_LIMIT_MULTIPLIER * utilization));
    this.transactions = new SlidingWindow(
      share(perVault.transactionsPerWindow, perVault.utilization),
      windowMs,
    );
    this.creates = new SlidingWindow(
      share(perVault.createsPerWindow, perVault.createsUtilization ?? perVault.utilization),
      windowMs,
    );
  }

  /** `subscription|region`, case-insensitive (ARM ids and locations are). */
  static keyOf(scope: SubscriptionScope): string {
    return `${scope.subscriptionId}|${scope.region.replace(/\s+/g, '')}`.toLowerCase();
  }
}
