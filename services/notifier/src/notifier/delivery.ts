import {
  mayRetry,
  retryDelayMs,
  type Clock,
  type Logger,
  type RetryPolicy,
} from '@akv-replicator/core';
import { DeliveryError } from '../errors';
import { describeCause } from '../redact';
import type { Channel } from '../channels/channel';
import type { DeadLetterStore } from './dead-letter';
import type { Digest } from './digest';

/**
 * The delay before retry `retry` after a failed attempt: the policy's backoff, or longer when
 * the peer asked for it (Retry-After), never over the policy's cap.
 */
function delayBeforeRetry(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random?: () => number,
): number {
  const cap = policy.schedule.kind === 'exponential' ? policy.schedule.maxDelayMs : Infinity;
  return Math.min(cap, Math.max(retryAfterMs ?? 0, retryDelayMs(policy, retry, random)));
}

export interface DeliverOptions {
  /** Backoff and attempts (default in the app: NOTIFICATION_DELIVERY_RETRY, 5 attempts, 1–60 s). */
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
    if (!mayRetry(policy, attempt)) {
      return deadLetter(
        channel,
        digest,
        attempt,
        `${failure} (gave up after ${attempt} attempts)`,
        options,
      );
    }
    const delayMs = delayBeforeRetry(policy, attempt, retryAfterMs, options.random);
    logger.warn('notification delivery failed, retrying', {
      ...fields,
      attempt,
      delayMs,
      reason: failure,
    });
    try {
      await clock.sleep(delayMs, signal);
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
