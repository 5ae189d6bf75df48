import type { OutcomeData } from '@akv-replicator/core';
import type { ChannelName } from '../errors';
import type { Digest } from '../notifier/digest';

/**
 * A place notifications go. `send` delivers one message for one digest or throws a
 * DeliveryError (secrets removed, `retryable` set); the notifier does the retrying.
 */
export interface Channel {
  readonly name: ChannelName;
  send(digest: Digest, signal?: AbortSignal): Promise<void>;
  /** Releases connections (SMTP); idempotent. */
  close?(): Promise<void>;
}

/** A channel with the filter deciding which outcomes it hears about. */
export interface ChannelBinding {
  readonly channel: Channel;
  readonly accepts: (outcome: OutcomeData) => boolean;
}
