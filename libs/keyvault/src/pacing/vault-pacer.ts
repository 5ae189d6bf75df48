import {
  ReplicatorError,
  recordKeyVaultBackoff,
  recordKeyVaultRequest,
} from '@akv-replicator/core';
import { isVaultError } from '../errors';
import { systemClock, type Clock } from './clock';
import { SlidingWindow } from './sliding-window';
import type { SubscriptionBudget } from './subscription-budget';

/** Key Vault counts its limits per 10 seconds. */
export const KEY_VAULT_WINDOW_MS = 10_000;
/** Real 429s carry no Retry-After: back off 1, 2, 4, 8, 16 s (DESIGN principle 7). */
export const DEFAULT_THROTTLE_BACKOFF_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];
/** ± share of each backoff drawn at random, so workers don't retry in lockstep. */
export const DEFAULT_BACKOFF_JITTER = 0.2;

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
  backoffMs?: readonly number[];
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
    super(`${vault}: still throttled (429) after ${attempts} attempts`, {
      code: 'VaultThrottled',
      retryable: true,
      fields: { vault, attempts },
      cause,
    });
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
  private readonly backoffMs: readonly number[];
  private readonly jitter: number;
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
    this.backoffMs = options.backoffMs ?? DEFAULT_THROTTLE_BACKOFF_MS;
    this.jitter = options.jitter ?? DEFAULT_BACKOFF_JITTER;
    this.random = options.random ?? Math.random;
    this.budget = options.subscriptionBudget;
  }

  /** Runs one request when the vault's budget allows; retries it on 429 with backoff. */
  async run<T>(kind: RequestKind, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.acquire(kind, signal);
      this.stats.requests++;
      try {
        const result = await request();
        recordKeyVaultRequest(this.vault, 200);
        return result;
      } catch (error) {
        recordKeyVaultRequest(this.vault, statusOf(error));
        if (!isVaultError(error, 'throttled')) throw error;
        this.stats.throttled++;
        const step = this.backoffMs[attempt];
        if (step === undefined) throw new VaultThrottledError(this.vault, attempt + 1, error);
        const delay = Math.round(step * (1 + this.jitter * (2 * this.random() - 1)));
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + delay);
        this.stats.backoffMs += delay;
        recordKeyVaultBackoff(this.vault, delay);
      }
    }
  }

  private async acquire(kind: RequestKind, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const create = kind === 'create';
      const wait = Math.max(
        this.pausedUntil - now,
        this.transactions.waitMs(now),
        create ? this.creates.waitMs(now) : 0,
        this.budget ? this.budget.transactions.waitMs(now) : 0,
        this.budget && create ? this.budget.creates.waitMs(now) : 0,
      );
      if (wait <= 0) {
        this.transactions.admit(now);
        if (create) this.creates.admit(now);
        this.budget?.transactions.admit(now);
        if (create) this.budget?.creates.admit(now);
        return;
      }
      this.stats.pacedMs += wait;
      await this.clock.sleep(wait, signal);
    }
  }
}

/** The HTTP status a failed request got, or undefined when no response came (network, abort). */
function statusOf(error: unknown): number | undefined {
  if (isVaultError(error)) return error.status ?? (error.kind === 'throttled' ? 429 : undefined);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
