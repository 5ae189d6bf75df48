import type { OutcomeData } from '@akv-replicator/core';

/** Event times kept for outcomes still to come; the oldest go first beyond this. */
export const MAX_REMEMBERED_EVENTS = 10_000;

export interface OutcomeDescriber {
  /** A vault event the ingress published: its id and Event Grid's `eventTime`. */
  event(eventId: string, eventTime: string): void;
  /** One line for `up --local`: what happened where, and how long after what. */
  describe(outcome: OutcomeData): string;
}

/**
 * Lines for the replications `up --local` shows. The time printed is measured from a
 * millisecond timestamp: the Event Grid event that announced the write (its `eventTime`,
 * stamped when the vault raised it) to the replica written. Never from the secret's
 * `created` attribute: Key Vault keeps whole seconds there, which turned 14–47 ms into
 * "lag 339…413 ms". Reconcile and resync outcomes say what triggered them instead.
 */
export function createOutcomeDescriber(): OutcomeDescriber {
  const events = new Map<string, number>();
  return {
    event(eventId, eventTime) {
      const atMs = Date.parse(eventTime);
      if (Number.isNaN(atMs)) return;
      events.set(eventId, atMs);
      if (events.size > MAX_REMEMBERED_EVENTS) events.delete(events.keys().next().value!);
    },
    describe(outcome) {
      const mark = outcome.status === 'success' ? '✓' : outcome.status === 'warning' ? '!' : '✗';
      const doneMs = Date.parse(outcome.at);
      const eventMs =
        outcome.trigger?.kind === 'event' ? events.get(outcome.trigger.id) : undefined;
      const timing =
        eventMs !== undefined
          ? ` ${Math.max(0, doneMs - eventMs)} ms after the event`
          : outcome.trigger
            ? ` (${outcome.trigger.kind})`
            : '';
      const where = `${outcome.replica?.name ?? '?'} (${outcome.replica?.region ?? '?'})`;
      return `  ${mark} ${outcome.action} ${outcome.objectName ?? ''} in ${where}${timing}${outcome.reason ? ` — ${outcome.reason}` : ''}`;
    },
  };
}
