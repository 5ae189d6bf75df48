import type { Clock } from '../clock';
import { errors } from '../errors';

/** Key Vault's service limits per vault per 10 seconds (standard tier, software keys). */
export const DEFAULT_THROTTLE_WINDOW_MS = 10_000;
export const DEFAULT_MAX_TRANSACTIONS_PER_WINDOW = 4_000;
export const DEFAULT_MAX_SECRET_CREATES_PER_WINDOW = 300;

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
  const resolved = {
    enabled: options.enabled ?? true,
    windowMs: options.windowMs ?? DEFAULT_THROTTLE_WINDOW_MS,
    maxTransactions: options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS_PER_WINDOW,
    maxSecretCreates: options.maxSecretCreates ?? DEFAULT_MAX_SECRET_CREATES_PER_WINDOW,
    retryAfterSeconds: options.retryAfterSeconds,
  };
  for (const key of ['windowMs', 'maxTransactions', 'maxSecretCreates'] as const) {
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

/** Fixed-window counters per vault, with Key Vault's two buckets. */
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

  /** Counts one request; throws the 429 error when a limit is already used up. */
  admit(vaultName: string, isSecretCreate: boolean): void {
    const key = vaultName.toLowerCase();
    const options = this.#perVault.get(key) ?? this.#defaults;
    if (!options.enabled) return;
    const window = Math.floor(this.#clock.now() / options.windowMs);
    let count = this.#counts.get(key);
    if (!count || count.window !== window) {
      count = { window, transactions: 0, secretCreates: 0 };
      this.#counts.set(key, count);
    }
    if (
      count.transactions >= options.maxTransactions ||
      (isSecretCreate && count.secretCreates >= options.maxSecretCreates)
    ) {
      throw errors.throttled(options.retryAfterSeconds);
    }
    count.transactions += 1;
    if (isSecretCreate) count.secretCreates += 1;
  }
}
