import type { ReplicationOnly } from '@akv-replicator/core';
import {
  SUBSCRIPTION_LIMIT_MULTIPLIER,
  SubscriptionBudget,
  type SubscriptionScope,
  type WindowLimits,
} from './subscription-budget';
import { KEY_VAULT_WINDOW_MS, VaultPacer, type VaultPacerOptions } from './vault-pacer';
import type { VaultSharePlan } from './vault-shares';

/** Where a vault counts, and what discovery learnt from ARM about who else uses it. */
export type PacedVaultScope = Partial<SubscriptionScope> & {
  readonly replicationOnly?: ReplicationOnly | undefined;
};

/**
 * One VaultPacer per vault endpoint, shared by every store that talks to that vault (secrets
 * and certificates count against the same Key Vault budget), and one SubscriptionBudget per
 * subscription and region, shared by the pacers of its vaults.
 */
export class VaultPacers {
  private readonly pacers = new Map<string, VaultPacer>();
  private readonly budgets = new Map<string, SubscriptionBudget>();

  /**
   * @param limits Key Vault's limits and, without `shares`, the one utilization every vault gets.
   * @param shares This process's slice of each vault's and subscription's limits (source vs
   *   replica share, split across the processes that touch the vault, in whole requests);
   *   replaces `utilization`.
   */
  constructor(
    private readonly limits: Omit<VaultPacerOptions, 'subscriptionBudget'>,
    private readonly shares?: VaultSharePlan,
  ) {}

  /**
   * The pacer of the vault at `uri` (endpoints compare case-insensitively). With `scope`, the
   * vault also counts against its subscription's limit in that region; the scope of the first
   * call for a vault is the one kept, and so is its `replicationOnly` (discovery sends the same
   * with every task for a vault, and pacers live as long as the process).
   */
  for(vaultName: string, uri: string, scope?: PacedVaultScope): VaultPacer {
    const key = uri.toLowerCase().replace(/\/+$/, '');
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new VaultPacer(vaultName, {
        ...this.limits,
        ...(this.shares ? whole(this.shares.allowanceOf(vaultName, this.limits, scope)) : {}),
        subscriptionBudget: this.budgetFor(scope),
      });
      this.pacers.set(key, pacer);
    }
    return pacer;
  }

  /** The shared subscription-wide budget of a scope (undefined when it is not fully known). */
  budgetFor(scope: PacedVaultScope | undefined): SubscriptionBudget | undefined {
    if (!scope?.subscriptionId || !scope.region) return undefined;
    const full = { subscriptionId: scope.subscriptionId, region: scope.region };
    const key = SubscriptionBudget.keyOf(full);
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new SubscriptionBudget(
        full,
        this.shares
          ? this.shares.subscriptionAllowanceOf(full, this.limits, scope.replicationOnly)
          : {
              transactionsPerWindow: Math.floor(
                this.limits.transactionsPerWindow *
                  SUBSCRIPTION_LIMIT_MULTIPLIER *
                  this.limits.utilization,
              ),
              createsPerWindow: Math.floor(
                this.limits.createsPerWindow *
                  SUBSCRIPTION_LIMIT_MULTIPLIER *
                  (this.limits.createsUtilization ?? this.limits.utilization),
              ),
            },
        this.limits.windowMs ?? KEY_VAULT_WINDOW_MS,
      );
      this.budgets.set(key, budget);
    }
    return budget;
  }
}

/** A pacer given its allowance in whole requests uses all of it. */
const whole = (allowance: WindowLimits) => ({
  ...allowance,
  utilization: 1,
  createsUtilization: 1,
});
