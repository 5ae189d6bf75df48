/**
 * What discovery tells the status board (issue #20) after diffing one replica against its
 * source: the objects that are not in sync, by name and state, and how many are. The diff
 * (`../reconcile`) produces it; the status board (this folder) consumes it. Listings carry no
 * values, so "value" drift means the replica's provenance names an older source version.
 */
import type { ObjectKind } from '@akv-replicator/core';

/** Which replicated part of an object differs from its source. */
export type DriftedPart = 'value' | 'attributes' | 'tags';

export interface ObservedObject {
  readonly name: string;
  /**
   * `missing`: the source has it, the replica does not. `drifted`: ours, but `parts` differ.
   * `not-ours`: a replica object without our provenance is in the way (one-way links).
   * `deleted-at-source`: ours, and its source is gone (deletion policy `delete` only).
   * `unknown`: both sides exist and neither provenance settles it (two-way links).
   */
  readonly state: 'missing' | 'drifted' | 'not-ours' | 'deleted-at-source' | 'unknown';
  /** For `drifted`: what differs (at least one part). */
  readonly parts?: readonly DriftedPart[];
  /** The source object's `updated` time (ms), when the source has it: drift age starts there. */
  readonly sourceUpdated?: number;
}

export interface ListingObservation {
  readonly kind: ObjectKind;
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly replicaRegion: string;
  /** When the listings were read (ms since the epoch, from the injected clock). */
  readonly observedAt: number;
  /** Objects found in sync (a count: a 50,000-object vault is not held name by name). */
  readonly inSync: number;
  /** Objects the link's filter excludes. */
  readonly filtered: number;
  /** Every object found not in sync, except `not-ours` beyond `notOursCount`'s sample. */
  readonly notInSync: readonly ObservedObject[];
  /** Exact count of `not-ours` objects (the list above may hold only a sample of them). */
  readonly notOursCount: number;
  /** Set when a listing failed part-way: the observation is partial and must not clear state. */
  readonly error?: string;
}

/** Receives each replica's listing diff; must not throw or block the reconcile. */
export interface ListingObserver {
  listingObserved(observation: ListingObservation): void;
}
