import {
  BROKER_PUBLISH_RETRY,
  RetryGaveUpError,
  retry,
  systemClock,
  type Clock,
} from '@akv-replicator/core';
import { PublishTimeoutError } from '../port/errors';

/** What a transport's publish retries, and until when. */
export interface PublishRetryRequest {
  readonly topic: string;
  /** The message id, named in the timeout error. */
  readonly id: string;
  /** How long to keep trying (the bus's publishTimeoutMs). */
  readonly timeoutMs: number;
  /** True once retrying cannot help (the bus is closing, its connection closed for good). */
  readonly isClosing: () => boolean;
  /** Failures retrying cannot fix are thrown at once, unwrapped. Default: every one is retried. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Default systemClock. */
  readonly clock?: Clock;
}

/**
 * Sends until the broker accepts — riding out a broker restart or fail-over — pausing as core's
 * BROKER_PUBLISH_RETRY says (50 ms doubling to 1 s), until `timeoutMs` has passed or the bus is
 * closing; then PublishTimeoutError, whose cause is the last failure. `send` gets the time left,
 * to bound one attempt's own wait. Shared by every broker transport, so each one's publish
 * gives up the same way.
 */
export async function publishWithRetry<T>(
  send: (remainingMs: number) => Promise<T>,
  request: PublishRetryRequest,
): Promise<T> {
  const clock = request.clock ?? systemClock;
  const deadlineMs = clock.now() + request.timeoutMs;
  try {
    return await retry(() => send(Math.max(0, deadlineMs - clock.now())), {
      policy: BROKER_PUBLISH_RETRY,
      clock,
      deadlineMs,
      shouldStop: request.isClosing,
      ...(request.isRetryable ? { isRetryable: request.isRetryable } : {}),
    });
  } catch (error) {
    if (!(error instanceof RetryGaveUpError)) throw error;
    throw new PublishTimeoutError(request.topic, request.id, request.timeoutMs, error.cause);
  }
}
