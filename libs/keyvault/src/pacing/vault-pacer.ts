import {
  KEY_VAULT_THROTTLE_RETRY,
  ReplicatorError,
  mayRetry,
  nominalDelaysMs,
  recordKeyVaultBackoff,
  recordKeyVaultRequest,
  retryDelayMs,
  steppedBackoff,
  systemClock,
  type Clock,
  type RetryPolicy,
} from '@akv-replicator/core';
import { isVaultError } from '../errors';
import { SlidingWindow } from './sliding-window';
import type { SubscriptionBudget } from './subscription-budget';

/** Key Vault counts its limits per 10 seconds. */
export const KEY_VAULT_WINDOW_MS = 10_000;
/**
 * Real 429s carry no Retry-After: back off 1, 2, 4, 8, 16 s (DESIGN principle 7; core's
 * KEY_VAULT_THROTTLE_RETRY, which cites Key Vault's throttling guidance).
 */
export const DEFAULT_THROTTLE_BACKOFF_MS: readonly number[] = Object.freeze(
  nominalDelaysMs(KEY_VAULT_THROTTLE_RETRY),
);
/** ± share of each backoff drawn at random, so workers don't retry in lockstep. */
export const DEFAULT_BACKOFF_JITTER = KEY_VAULT_THROTTLE_RETRY.jitter;

export type RequestKind = 'read' | 'write' | 'create';

export interface VaultPacerOptions {
  /** Transactions allowed per window (Key Vault: 4,000 per 10 s). */
  transactionsPerWindow: number;
  /** Secret creates allowed per window (Key Vault: 300 per 10 s). */
  createsPerWindow: number;
  /** Share of the limits to use, leaving room for applications (0–1]. */
  utilization: number;
  /** Share of the create limit, when it differs (only writers split it); default `utilization`. */
  createsUtilization?: number | undefined;
  windowMs?: number;
  /** Delays after each 429, one retry per entry; default DEFAULT_THROTTLE_BACKOFF_MS. */
  backoffMs?: readonly number[];
  /** Default DEFAULT_BACKOFF_JITTER. */
  jitter?: number;
  clock?: Clock;
  random?: () => number;
  /**
   * The subscription-wide windows this vault also counts against (shared by every vault of its
   * subscription and region); none when the vault's subscription or region is unknown.
   */
  subscriptionBudget?: SubscriptionBudget | undefined;
}

/** Throttled after every backoff step: the task should be retried later by the bus. */
export class VaultThrottledError extends ReplicatorError {
  override readonly name = 'VaultThrottledError';
  constructor(vault: string, attempts: number, cause: unknown) {
    super(
      `${vault}: still throttled (429) after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`,
      {
        code: 'VaultThrottled',
        retryable: true,
        fields: { vault, attempts },
        cause,
      },
    );
  }
}

/**
 * Paces all requests to one vault below its limits and backs off on 429 for the whole vault
 * (every caller waits, not just the one that was refused), so a full resync runs close to the
 * limit without piling up throttled requests.
 */
export class VaultPacer {
  private readonly transactions: SlidingWindow;
  private readonly creates: SlidingWindow;
  private readonly clock: Clock;
  private readonly backoff: RetryPolicy;
  private readonly random: () => number;
  private readonly budget: SubscriptionBudget | undefined;
  private pausedUntil = 0;
  /** Totals for metrics and benchmarks. */
  readonly stats = { requests: 0, throttled: 0, backoffMs: 0, pacedMs: 0 };

  constructor(
    readonly vault: string,
    options: VaultPacerOptions,
  ) {
    const createsUtilization = options.createsUtilization ?? options.utilization;
    for (const share of [options.utilization, createsUtilization])
      if (!(share > 0 && share <= 1)) throw new RangeError('utilization must be in (0, 1]');
    const windowMs = options.windowMs ?? KEY_VAULT_WINDOW_MS;
    this.transactions = new SlidingWindow(
      Math.max(1, Math.floor(options.transactionsPerWindow * options.utilization)),
      windowMs,
    );
    this.creates = new SlidingWindow(
      Math.max(1, Math.floor(options.createsPerWindow * createsUtilization)),
      windowMs,
    );
    this.clock = options.clock ?? systemClock;
    this.backoff =
      options.backoffMs === undefined && options.jitter === undefined
        ? KEY_VAULT_THROTTLE_RETRY
        : throttleBackoff(options.backoffMs ?? DEFAULT_THROTTLE_BACKOFF_MS, options.jitter);
    this.random = options.random ?? Math.random;
    this.budget = options.subscriptionBudget;
  }

  /**
   * Runs one request when the vault's budget allows; retries it on 429 with backoff. Its slot is
   * held while it is in flight and counted from its response (see SlidingWindow).
   */
  async run<T>(kind: RequestKind, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const windows = await this.acquire(kind, signal);
      this.stats.requests++;
      try {
        const result = await request();
        recordKeyVaultRequest(this.vault, 200);
        return result;
      } catch (error) {
        recordKeyVaultRequest(this.vault, statusOf(error));
        if (!isVaultError(error, 'throttled')) throw error;
        this.stats.throttled++;
        if (!mayRetry(this.backoff, attempt + 1)) {
          throw new VaultThrottledError(this.vault, attempt + 1, error);
        }
        const delay = retryDelayMs(this.backoff, attempt + 1, this.random);
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + delay);
        this.stats.backoffMs += delay;
        recordKeyVaultBackoff(this.vault, delay);
      } finally {
        const now = this.clock.now();
        for (const window of windows) window.settle(now);
      }
    }
  }

  /**
   * Counts a transaction the SDK sent beside the paced ones (an authentication challenge or the
   * SDK's own retry, see challengeMeter) against the vault and its subscription: already sent, it
   * is not waited for, but the requests after it wait until it has left the window.
   */
  charge(): void {
    const now = this.clock.now();
    this.transactions.record(now);
    this.budget?.transactions.record(now);
    this.stats.requests++;
  }

  /** Waits until every window this request counts in has room, then holds a slot in each. */
  private async acquire(kind: RequestKind, signal?: AbortSignal): Promise<SlidingWindow[]> {
    const windows = [this.transactions, this.budget?.transactions];
    if (kind === 'create') windows.push(this.creates, this.budget?.creates);
    const counted = windows.filter((window) => window !== undefined);
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(this.pausedUntil - now, ...counted.map((w) => w.waitMs(now)));
      if (wait <= 0) {
        for (const window of counted) window.hold(now);
        return counted;
      }
      this.stats.pacedMs += wait;
      await this.clock.sleep(wait, signal);
    }
  }
}

/** A caller's own 429 schedule (tests, benchmarks): exactly one retry per listed delay. */
function throttleBackoff(
  delaysMs: readonly number[],
  jitter = DEFAULT_BACKOFF_JITTER,
): RetryPolicy {
  return steppedBackoff({
    name: 'keyVaultThrottle',
    // An empty list means "never retry a 429"; the policy still needs one (unused) step.
    delaysMs: delaysMs.length > 0 ? delaysMs : [0],
    maxRetries: delaysMs.length,
    jitter,
  });
}

/** The HTTP status a failed request got, or undefined when no response came (network, abort). */
function statusOf(error: unknown): number | undefined {
  if (isVaultError(error)) return error.status ?? (error.kind === 'throttled' ? 429 : undefined);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
