import { sleep, type Clock } from '../clock';
import { DeliveryError } from '../errors';
import type { Logger } from '@akv-replicator/core';
import { describeCause } from '../redact';
import type { Channel } from '../channels/channel';
import type { DeadLetterStore } from './dead-letter';
import type { Digest } from './digest';

/** Attempts per message, the first included, before it is dead-lettered. */
export const DEFAULT_DELIVERY_ATTEMPTS = 5;
/** Backoff before the second attempt; doubles each time. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 1_000;
/** Upper bound of one backoff, also for a peer's Retry-After. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 60_000;

/** Bounded exponential backoff. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: DEFAULT_DELIVERY_ATTEMPTS,
  baseDelayMs: DEFAULT_RETRY_BASE_DELAY_MS,
  maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
});

/** Validates a partial policy, filling defaults; throws RangeError naming the bad field. */
export function retryPolicy(options: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry attempts must be an integer >= 1 (got ${policy.attempts})`);
  }
  for (const field of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[field]) || policy[field] < 0) {
      throw new RangeError(`retry ${field} must be >= 0 (got ${policy[field]})`);
    }
  }
  return Object.freeze(policy);
}

/** Backoff before attempt `attempt + 1`: base·2^(attempt-1) with ±20 % jitter, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.min(policy.maxDelayMs, Math.round(jittered));
}

export interface DeliverOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deadLetters: DeadLetterStore;
  /** Aborted on shutdown: pending retries stop and the message is dead-lettered. */
  readonly signal: AbortSignal;
  readonly random?: () => number;
}

/**
 * Sends one digest to one channel, retrying retryable failures with bounded exponential
 * backoff (honouring a peer's Retry-After up to the cap). A permanent failure, exhausted
 * attempts or shutdown dead-letters the digest with the reason. Never throws.
 *
 * @returns whether the channel accepted the message.
 */
export async function deliver(
  channel: Channel,
  digest: Digest,
  options: DeliverOptions,
): Promise<boolean> {
  const { policy, clock, logger, signal } = options;
  const fields = { channel: channel.name, digestId: digest.id, outcomes: digest.items.length };
  let attempt = 0;
  for (;;) {
    attempt += 1;
    let failure: string;
    let retryable: boolean;
    let retryAfterMs: number | undefined;
    try {
      await channel.send(digest, signal);
      logger.info('notification delivered', { ...fields, attempt });
      return true;
    } catch (error) {
      // Channels throw DeliveryError with secrets already removed; anything else is a bug in
      // a channel, reported by name only in case its message carries a URL.
      if (error instanceof DeliveryError) {
        failure = error.message;
        retryable = error.retryable;
        retryAfterMs = error.retryAfterMs;
      } else {
        failure = `${channel.name}: unexpected ${error instanceof Error ? error.name : typeof error}`;
        retryable = false;
      }
    }
    if (signal.aborted) {
      return deadLetter(channel, digest, attempt, `${failure}; notifier stopped`, options);
    }
    if (!retryable) {
      return deadLetter(channel, digest, attempt, `${failure} (permanent, not retried)`, options);
    }
    if (attempt >= policy.attempts) {
      return deadLetter(
        channel,
        digest,
        attempt,
        `${failure} (gave up after ${attempt} attempts)`,
        options,
      );
    }
    const delayMs = Math.min(
      policy.maxDelayMs,
      Math.max(retryAfterMs ?? 0, backoffDelay(policy, attempt, options.random)),
    );
    logger.warn('notification delivery failed, retrying', {
      ...fields,
      attempt,
      delayMs,
      reason: failure,
    });
    try {
      await sleep(clock, delayMs, signal);
    } catch (cause) {
      return deadLetter(
        channel,
        digest,
        attempt,
        `${failure}; notifier stopped (${describeCause(cause)})`,
        options,
      );
    }
  }
}

/** Records an undeliverable digest (and logs it); never throws. */
export async function deadLetter(
  channel: Channel,
  digest: Digest,
  attempts: number,
  reason: string,
  options: DeliverOptions,
): Promise<false> {
  options.logger.error('notification dead-lettered', {
    channel: channel.name,
    digestId: digest.id,
    outcomes: digest.items.length,
    attempts,
    reason,
  });
  try {
    await options.deadLetters.record({
      channel: channel.name,
      digestId: digest.id,
      reason,
      attempts,
      at: new Date(options.clock.now()).toISOString(),
      digest,
    });
  } catch (error) {
    options.logger.error('dead-letter store failed', {
      channel: channel.name,
      digestId: digest.id,
      error: describeCause(error),
    });
  }
  return false;
}
