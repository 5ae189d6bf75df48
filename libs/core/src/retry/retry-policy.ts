/** How the nominal delay before each retry is computed. */
export type RetrySchedule =
  | {
      /** initialDelayMs · multiplier^(retry−1), capped at maxDelayMs (after jitter). */
      readonly kind: 'exponential';
      readonly initialDelayMs: number;
      readonly multiplier: number;
      readonly maxDelayMs: number;
    }
  | {
      /** Retry n waits delaysMs[n−1]; past the end the last delay repeats. */
      readonly kind: 'steps';
      readonly delaysMs: readonly number[];
    };

/** A named, validated, frozen backoff: when to retry and how often. */
export interface RetryPolicy {
  /** Names the policy in errors and logs, e.g. `keyVaultThrottle`. */
  readonly name: string;
  readonly schedule: RetrySchedule;
  /** Each delay is drawn uniformly within ±jitter of its nominal value (0 = exact). */
  readonly jitter: number;
  /** Retries after the first attempt before giving up; Infinity = until a deadline or abort. */
  readonly maxRetries: number;
}

interface CommonOptions {
  readonly name: string;
  /** Default 0 (exact delays). */
  readonly jitter?: number;
  /** Default Infinity (the caller bounds it: a deadline, an abort, a delivery limit). */
  readonly maxRetries?: number;
}

function invalid(name: string, field: string, rule: string, value: unknown): RangeError {
  return new RangeError(`retry policy ${name}: ${field} ${rule} (got ${String(value)})`);
}

function common(options: CommonOptions): Pick<RetryPolicy, 'name' | 'jitter' | 'maxRetries'> {
  const jitter = options.jitter ?? 0;
  if (!(jitter >= 0 && jitter < 1))
    throw invalid(options.name, 'jitter', 'must be in [0, 1)', jitter);
  const maxRetries = options.maxRetries ?? Infinity;
  if (!(maxRetries === Infinity || (Number.isInteger(maxRetries) && maxRetries >= 0))) {
    throw invalid(options.name, 'maxRetries', 'must be an integer >= 0 or Infinity', maxRetries);
  }
  return { name: options.name, jitter, maxRetries };
}

function nonNegative(name: string, field: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw invalid(name, field, 'must be >= 0', value);
  return value;
}

/** A policy whose delays grow by `multiplier` (default 2) from `initialDelayMs` to `maxDelayMs`. */
export function exponentialBackoff(
  options: CommonOptions & {
    readonly initialDelayMs: number;
    readonly multiplier?: number;
    /** Upper bound of one delay, jitter included. Default Infinity (needs finite maxRetries). */
    readonly maxDelayMs?: number;
  },
): RetryPolicy {
  const base = common(options);
  const initialDelayMs = nonNegative(options.name, 'initialDelayMs', options.initialDelayMs);
  const multiplier = options.multiplier ?? 2;
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) {
    throw invalid(options.name, 'multiplier', 'must be >= 1', multiplier);
  }
  const maxDelayMs = options.maxDelayMs ?? Infinity;
  if (!(maxDelayMs >= initialDelayMs)) {
    throw invalid(options.name, 'maxDelayMs', 'must be >= initialDelayMs', maxDelayMs);
  }
  if (maxDelayMs === Infinity && base.maxRetries === Infinity) {
    throw invalid(options.name, 'maxDelayMs', 'must be finite when maxRetries is', maxDelayMs);
  }
  const schedule = Object.freeze({
    kind: 'exponential' as const,
    initialDelayMs,
    multiplier,
    maxDelayMs,
  });
  return Object.freeze({ ...base, schedule });
}

/** A policy with explicit delays (a user-configured list); the last one repeats. */
export function steppedBackoff(
  options: CommonOptions & { readonly delaysMs: readonly number[] },
): RetryPolicy {
  const base = common(options);
  if (options.delaysMs.length === 0) {
    throw invalid(options.name, 'delaysMs', 'must list at least one delay', '[]');
  }
  options.delaysMs.forEach((ms, i) => nonNegative(options.name, `delaysMs[${i}]`, ms));
  const schedule = Object.freeze({
    kind: 'steps' as const,
    delaysMs: Object.freeze([...options.delaysMs]),
  });
  return Object.freeze({ ...base, schedule });
}

/** Whether retry number `retry` (1 = the first retry) is still allowed by the policy. */
export function mayRetry(policy: RetryPolicy, retry: number): boolean {
  return retry >= 1 && retry <= policy.maxRetries;
}

/** The delay before retry `retry` (1-based) without jitter. */
export function nominalDelayMs(policy: RetryPolicy, retry: number): number {
  if (!(Number.isInteger(retry) && retry >= 1)) {
    throw new RangeError(`retry must be an integer >= 1 (got ${retry})`);
  }
  const schedule = policy.schedule;
  if (schedule.kind === 'steps') {
    const { delaysMs } = schedule;
    return delaysMs[Math.min(retry, delaysMs.length) - 1] ?? 0;
  }
  return Math.min(
    schedule.maxDelayMs,
    schedule.initialDelayMs * schedule.multiplier ** (retry - 1),
  );
}

/**
 * The delay before retry `retry` (1-based): nominal · (1 ± jitter), rounded to whole
 * milliseconds; an exponential policy's cap bounds the jittered value too. `random` returns [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, random = Math.random): number {
  const nominal = nominalDelayMs(policy, retry);
  const jittered = nominal * (1 + policy.jitter * (2 * random() - 1));
  const cap = policy.schedule.kind === 'exponential' ? policy.schedule.maxDelayMs : Infinity;
  return Math.round(Math.min(cap, jittered));
}

/** The first `count` nominal delays (default: every retry of a bounded policy). */
export function nominalDelaysMs(policy: RetryPolicy, count = policy.maxRetries): number[] {
  if (!Number.isFinite(count)) {
    throw new RangeError(`retry policy ${policy.name} is unbounded: pass how many delays to list`);
  }
  return Array.from({ length: count }, (_, i) => nominalDelayMs(policy, i + 1));
}
