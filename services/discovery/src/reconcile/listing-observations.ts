import type { Logger } from '@akv-replicator/core';
import type {
  ListingObservation,
  ListingObserver,
  ObservedObject,
} from '../status/listing-observation';
import type { DirectedLink } from '../topology/directed-link';
import type { DriftEntry } from './listing-diff';
import type { ListedObject, ListingRules } from './listing-kind';

/** The counts of a ListingDiff, whatever its kind. */
interface DiffCounts {
  readonly inSync: number;
  readonly filtered: number;
  readonly unownedCount: number;
  readonly unowned: readonly string[];
}

/**
 * Collects what one (link, replica, kind) pass found not in sync, for the status board
 * (issue #20). Objects are kept only while an observer listens: without one a 50,000-object
 * drift costs nothing here.
 */
export class PassObservation {
  private readonly notInSync: ObservedObject[] = [];
  private overwrittenNotOurs = 0;

  constructor(
    private readonly rules: Pick<ListingRules<ListedObject>, 'objectKind'>,
    private readonly link: DirectedLink,
    private readonly observing: boolean,
  ) {}

  /** Notes one task the diff found (forced resyncs carry no state and are not observed). */
  add(entry: DriftEntry): void {
    if (!this.observing || !entry.state) return;
    if (entry.state === 'not-ours') this.overwrittenNotOurs++;
    this.notInSync.push({
      name: entry.objectName,
      state: entry.state,
      ...(entry.parts ? { parts: entry.parts } : {}),
      // Listings give Unix seconds; the board counts drift age in milliseconds.
      ...(entry.sourceUpdated === undefined ? {} : { sourceUpdated: entry.sourceUpdated * 1000 }),
    });
  }

  /** The observation of the pass; `diff` is absent when the replica could not be listed. */
  build(observedAt: number, diff: DiffCounts | undefined, error?: unknown): ListingObservation {
    const notOurs = (diff?.unowned ?? []).map((name) => ({ name, state: 'not-ours' as const }));
    return {
      kind: this.rules.objectKind,
      sourceVault: this.link.source.name,
      replicaVault: this.link.replica.name,
      replicaRegion: this.link.replica.region,
      observedAt,
      inSync: diff?.inSync ?? 0,
      filtered: diff?.filtered ?? 0,
      notInSync: [...this.notInSync, ...notOurs],
      notOursCount: (diff?.unownedCount ?? 0) + this.overwrittenNotOurs,
      ...(error === undefined ? {} : { error: (error as Error).message ?? String(error) }),
    };
  }
}

/** Hands an observation over; the board's failure never reaches the reconcile. */
export function tellObserver(
  observer: ListingObserver | undefined,
  observation: ListingObservation,
  logger: Logger,
): void {
  if (!observer) return;
  try {
    observer.listingObserved(observation);
  } catch (error) {
    logger.warn('listing observer failed', {
      source: observation.sourceVault,
      replica: observation.replicaVault,
      kind: observation.kind,
      error: (error as Error).message,
    });
  }
}
