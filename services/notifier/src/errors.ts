import { ReplicatorError } from '@akv-replicator/core';

/** The notification channels the notifier can deliver to. */
export type ChannelName = 'slack' | 'teams' | 'telegram' | 'email' | 'webhook';

/**
 * A channel refused or could not take a message. The message names the channel and what the
 * peer said (status, SMTP code), never the webhook URL, token or password: those are removed
 * before the error is built. `retryable` says whether another attempt may succeed.
 */
export class DeliveryError extends ReplicatorError {
  override readonly name = 'DeliveryError';
  readonly channel: ChannelName;
  /** HTTP status or SMTP reply code, when the peer answered. */
  readonly status: number | undefined;
  /** How long the peer asked us to wait (HTTP Retry-After, Telegram `retry_after`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    channel: ChannelName,
    message: string,
    options: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(`${channel}: ${message}`, {
      code: 'NotificationDeliveryFailed',
      retryable: options.retryable,
      fields: { channel, status: options.status },
      cause: options.cause,
    });
    this.channel = channel;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP statuses worth retrying: timeouts, rate limits and server-side trouble. */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
