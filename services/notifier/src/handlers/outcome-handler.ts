import { ack, reject, retry, type MessageHandler } from '@akv-replicator/bus';
import type { OutcomeData } from '@akv-replicator/core';

/** Redelivery delay when the notifier is stopping and cannot take an outcome. */
export const STOPPING_RETRY_DELAY_MS = 5_000;

/** The part of the Notifier the handler needs. */
export interface OutcomeSink {
  handleOutcome(outcome: OutcomeData): Promise<void>;
}

/**
 * Bus handler for `outcomes`. The transport has already validated the envelope.
 *
 * - `akv.outcome.v1` → handed to the notifier → **ack** once buffered (delivery to channels
 *   happens later and has its own retries and dead letters; a notification is not worth
 *   holding the bus message for a whole digest window).
 * - any other type on the topic → **reject** (dead-lettered: someone publishes to the wrong
 *   topic, retrying cannot help).
 * - notifier not accepting (stopping) → **retry** after {@link STOPPING_RETRY_DELAY_MS}, so
 *   another replica or the next start takes it.
 */
export function outcomeHandler(sink: OutcomeSink): MessageHandler {
  return async (envelope) => {
    if (envelope.type !== 'akv.outcome.v1') {
      return reject(`notifier handles akv.outcome.v1 only, got ${envelope.type}`);
    }
    try {
      await sink.handleOutcome(envelope.data);
      return ack();
    } catch {
      return retry(STOPPING_RETRY_DELAY_MS, 'notifier is not accepting outcomes (stopping)');
    }
  };
}
