import type { Clock } from '../clock';
import { errors } from '../errors';

/** Key Vault's service limits per vault per 10 seconds (standard tier, software keys). */
export const DEFAULT_THROTTLE_WINDOW_MS = 10_000;
export const DEFAULT_MAX_TRANSACTIONS_PER_WINDOW = 4_000;
export const DEFAULT_MAX_SECRET_CREATES_PER_WINDOW = 300;
/**
 * "The subscription-wide limit for all transaction types is five times per key vault limit",
 * per subscription and region ("don't send more than the subscription limit to the Key Vault
 * service in a single Azure region"):
 * https://learn.microsoft.com/azure/key-vault/general/overview-throttling
 * (limits: https://learn.microsoft.com/azure/key-vault/general/service-limits).
 */
export const SUBSCRIPTION_LIMIT_MULTIPLIER = 5;

/** Throttling options; every field defaults to Key Vault's own limit. */
export interface ThrottlingOptions {
  /** Set false to turn throttling off entirely. Default true. */
  readonly enabled?: boolean;
  readonly windowMs?: number;
  /** All transactions of one vault in a window. */
  readonly maxTransactions?: number;
  /** PUT secret requests of one vault in a window (they also count as transactions). */
  readonly maxSecretCreates?: number;
  /**
   * All transactions of every vault of one subscription in one region, per window. Default
   * {@link SUBSCRIPTION_LIMIT_MULTIPLIER} × `maxTransactions`. Taken from the emulator-wide
   * options (a vault's own options do not change its subscription's budget).
   */
  readonly subscriptionMaxTransactions?: number;
  /** Secret creates of one subscription in one region, per window; default 5 × `maxSecretCreates`. */
  readonly subscriptionMaxSecretCreates?: number;
  /**
   * Seconds to send in `Retry-After` with 429s. The real service sends none for Key Vault
   * data-plane throttling, so the default is to omit it.
   */
  readonly retryAfterSeconds?: number;
}

export type ResolvedThrottlingOptions = Required<Omit<ThrottlingOptions, 'retryAfterSeconds'>> &
  Pick<ThrottlingOptions, 'retryAfterSeconds'>;

export function resolveThrottlingOptions(
  options: ThrottlingOptions = {},
): ResolvedThrottlingOptions {
  const maxTransactions = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS_PER_WINDOW;
  const maxSecretCreates = options.maxSecretCreates ?? DEFAULT_MAX_SECRET_CREATES_PER_WINDOW;
  const resolved = {
    enabled: options.enabled ?? true,
    windowMs: options.windowMs ?? DEFAULT_THROTTLE_WINDOW_MS,
    maxTransactions,
    maxSecretCreates,
    subscriptionMaxTransactions:
      options.subscriptionMaxTransactions ?? SUBSCRIPTION_LIMIT_MULTIPLIER * maxTransactions,
    subscriptionMaxSecretCreates:
      options.subscriptionMaxSecretCreates ?? SUBSCRIPTION_LIMIT_MULTIPLIER * maxSecretCreates,
    retryAfterSeconds: options.retryAfterSeconds,
  };
  for (const key of [
    'windowMs',
    'maxTransactions',
    'maxSecretCreates',
    'subscriptionMaxTransactions',
    'subscriptionMaxSecretCreates',
  ] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`throttling.${key} must be a positive integer (got ${resolved[key]})`);
    }
  }
  return Object.freeze(resolved);
}

interface WindowCount {
  window: number;
  transactions: number;
  secretCreates: number;
}

/** Where a vault's requests also count: its subscription in its region. */
export interface ThrottleScope {
  readonly subscriptionId: string;
  readonly region: string;
}

/**
 * Fixed-window counters with Key Vault's two buckets (all transactions, secret creates), per
 * vault and per subscription and region. A request is admitted only if both have room; a
 * rejected one counts nowhere ("Failed requests that return a 429 do not count towards the
 * throttle limits": https://learn.microsoft.com/azure/key-vault/general/overview-throttling).
 */
export class Throttle {
  #defaults: ResolvedThrottlingOptions;
  readonly #perVault = new Map<string, ResolvedThrottlingOptions>();
  readonly #clock: Clock;
  readonly #counts = new Map<string, WindowCount>();

  constructor(options: ResolvedThrottlingOptions, clock: Clock) {
    this.#defaults = options;
    this.#clock = clock;
  }

  /** Replaces the limits of one vault, or the defaults of all vaults without their own. */
  configure(options: ResolvedThrottlingOptions, vaultName?: string): void {
    if (vaultName === undefined) this.#defaults = options;
    else this.#perVault.set(vaultName.toLowerCase(), options);
  }

  /**
   * Counts one request of `vaultName` (and of its subscription and region, when `scope` is
   * given); throws the 429 error when a limit is already used up.
   */
  admit(vaultName: string, isSecretCreate: boolean, scope?: ThrottleScope): void {
    const vaultOptions = this.#perVault.get(vaultName.toLowerCase()) ?? this.#defaults;
    const buckets: { count: WindowCount; transactions: number; creates: number; what: string }[] =
      [];
    if (vaultOptions.enabled) {
      buckets.push({
        count: this.#countOf(`vault/${vaultName.toLowerCase()}`, vaultOptions.windowMs),
        transactions: vaultOptions.maxTransactions,
        creates: vaultOptions.maxSecretCreates,
        what: 'vault',
      });
    }
    const subscription = this.#defaults;
    if (scope && subscription.enabled) {
      const key = `subscription/${scope.subscriptionId.toLowerCase()}/${scope.region.toLowerCase()}`;
      buckets.push({
        count: this.#countOf(key, subscription.windowMs),
        transactions: subscription.subscriptionMaxTransactions,
        creates: subscription.subscriptionMaxSecretCreates,
        what: 'subscription',
      });
    }
    for (const bucket of buckets) {
      if (
        bucket.count.transactions >= bucket.transactions ||
        (isSecretCreate && bucket.count.secretCreates >= bucket.creates)
      ) {
        const retryAfter =
          bucket.what === 'vault' ? vaultOptions.retryAfterSeconds : subscription.retryAfterSeconds;
        throw bucket.what === 'vault'
          ? errors.throttled(retryAfter)
          : errors.subscriptionThrottled(retryAfter);
      }
    }
    for (const { count } of buckets) {
      count.transactions += 1;
      if (isSecretCreate) count.secretCreates += 1;
    }
  }

  #countOf(key: string, windowMs: number): WindowCount {
    const window = Math.floor(this.#clock.now() / windowMs);
    let count = this.#counts.get(key);
    if (!count || count.window !== window) {
      count = { window, transactions: 0, secretCreates: 0 };
      this.#counts.set(key, count);
    }
    return count;
  }
}
