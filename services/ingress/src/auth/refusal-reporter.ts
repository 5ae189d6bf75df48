import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  createEnvelope,
  recordIngressRefusal,
  silentLogger,
  type Logger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { LIKELY_CAUSES, type IngressRefusalCause } from './refusal-causes';

/** Default of `ingress.refusalReportIntervalSeconds`: one notification per cause per 5 minutes. */
export const DEFAULT_REFUSAL_REPORT_INTERVAL_MS = 300_000;
/** Outcome `code` of a refused-delivery report (the notifier's advice keys on it). */
export const REFUSAL_OUTCOME_CODE = 'IngressDeliveryRefused';
const SOURCE = '/akv-replicator/ingress';

export type RefusedEndpoint = 'eventgrid' | 'resync';

export interface Refusal {
  readonly endpoint: RefusedEndpoint;
  readonly status: number;
  readonly cause: IngressRefusalCause;
}

/** Makes every refused request loud: counted always, reported as an outcome now and then. */
export interface RefusalReporter {
  /** Never throws and never waits on the bus: the refusal answer goes out regardless. */
  refused(refusal: Refusal): void;
  /** Resolves when the reports started so far are published (or have failed). */
  flush(): Promise<void>;
}

/**
 * Counts each refusal in `akvr_ingress_refused_total` and publishes a failure outcome (so the
 * notifier raises it) naming the likely cause — the first refusal of an (endpoint, status, cause)
 * at once, then at most one per `intervalMs`, carrying how many were refused since the last
 * report. Refusals inside an interval wait for the next report (the metric shows them at once).
 */
export function createRefusalReporter(options: {
  readonly publisher: Publisher;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Counts one refusal; default `akvr_ingress_refused_total` (tests observe it here). */
  readonly count?: (refusal: Refusal) => void;
}): RefusalReporter {
  const intervalMs = options.intervalMs ?? DEFAULT_REFUSAL_REPORT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const count =
    options.count ?? ((r: Refusal) => recordIngressRefusal(r.endpoint, r.status, r.cause));
  const windows = new Map<string, { reportedAt: number; pending: number }>();
  const publishing = new Set<Promise<void>>();

  function report(refusal: Refusal, count: number, at: number): void {
    const who = refusal.endpoint === 'eventgrid' ? 'Event Grid deliveries' : 'POST /resync calls';
    const envelope = createEnvelope(
      'akv.outcome.v1',
      {
        outcomeId: randomUUID(),
        status: 'failure',
        action: 'delivery-refused',
        service: 'ingress',
        code: REFUSAL_OUTCOME_CODE,
        reason: `${count} ${who} refused with HTTP ${refusal.status} (${refusal.cause}). Likely cause: ${LIKELY_CAUSES[refusal.cause]}.`,
        counts: { refused: count, httpStatus: refusal.status },
        dryRun: false,
        at: new Date(at).toISOString(),
      },
      { source: SOURCE },
    );
    const done = options.publisher
      .publish(TOPICS.outcomes, envelope)
      .then(
        () => undefined,
        (error: unknown) =>
          log.warn('could not report refused requests', {
            cause: refusal.cause,
            error: (error as Error).message,
          }),
      )
      .finally(() => publishing.delete(done));
    publishing.add(done);
  }

  return {
    refused(refusal) {
      count(refusal);
      const key = `${refusal.endpoint}\u0000${refusal.status}\u0000${refusal.cause}`;
      const at = now();
      const window = windows.get(key);
      if (window && at - window.reportedAt < intervalMs) {
        window.pending += 1;
        return;
      }
      // Refusals held back in the last window are counted into this report (the metric has
      // them all at once). Logged here too, not per request: a flood must not flood the logs.
      windows.set(key, { reportedAt: at, pending: 0 });
      const refused = 1 + (window?.pending ?? 0);
      log.warn('ingress requests refused', { ...refusal, refused });
      report(refusal, refused, at);
    },
    async flush() {
      while (publishing.size > 0) await Promise.allSettled([...publishing]);
    },
  };
}
