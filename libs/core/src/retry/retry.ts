import { systemClock } from '../clock/system-clock';
import type { Clock } from '../clock/clock';
import { ReplicatorError } from '../errors/errors';
import { mayRetry, retryDelayMs, type RetryPolicy } from './retry-policy';

/** Why {@link retry} stopped trying. */
export type GiveUpReason = 'exhausted' | 'deadline' | 'aborted';

/**
 * Every attempt allowed failed retryably. `cause` is the last attempt's error; `retryable`
 * is true: the same operation may succeed later (the failures were all transient).
 */
export class RetryGaveUpError extends ReplicatorError {
  override readonly name = 'RetryGaveUpError';
  readonly reason: GiveUpReason;
  readonly attempts: number;

  constructor(policy: string, reason: GiveUpReason, attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempt(s) (${policy}: ${reason})`, {
      code: 'RetryGaveUp',
      retryable: true,
      fields: { policy, reason, attempts },
      cause,
    });
    this.reason = reason;
    this.attempts = attempts;
  }
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Aborting stops the current pause and any further attempt. */
  readonly signal?: AbortSignal;
  /** Asked before each retry (not the first attempt): true gives up (e.g. a connection closed for good). */
  readonly shouldStop?: () => boolean;
  /** Clock time after which no attempt starts; the last pause is shortened to end at it. */
  readonly deadlineMs?: number;
  /** Errors retrying cannot fix are thrown at once, unwrapped. Default: every error is retried. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Called before each pause (for logs and metrics). */
  readonly onRetry?: (event: { error: unknown; retry: number; delayMs: number }) => void;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/**
 * Runs `operation` until it succeeds, pausing on `clock` between attempts as `policy` says.
 * Throws the operation's own error when it is not retryable, else RetryGaveUpError (cause: the
 * last error) when the retries, the deadline or the signal run out.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, signal, deadlineMs = Infinity } = options;
  const clock = options.clock ?? systemClock;
  const gaveUp = (reason: GiveUpReason, attempts: number, last: unknown) =>
    new RetryGaveUpError(policy.name, reason, attempts, last);
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.isRetryable && !options.isRetryable(error)) throw error;
      failure = error;
    }
    if (!mayRetry(policy, attempt)) throw gaveUp('exhausted', attempt, failure);
    if (signal?.aborted || options.shouldStop?.()) throw gaveUp('aborted', attempt, failure);
    const remaining = deadlineMs - clock.now();
    if (remaining <= 0) throw gaveUp('deadline', attempt, failure);
    const delayMs = Math.min(retryDelayMs(policy, attempt, options.random), remaining);
    options.onRetry?.({ error: failure, retry: attempt, delayMs });
    try {
      await clock.sleep(delayMs, signal);
    } catch {
      throw gaveUp('aborted', attempt, failure);
    }
    if (signal?.aborted || options.shouldStop?.()) throw gaveUp('aborted', attempt, failure);
    if (clock.now() >= deadlineMs) throw gaveUp('deadline', attempt, failure);
  }
}
