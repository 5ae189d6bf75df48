import type { ObjectKind } from '@akv-replicator/core';
import type { SampleWindow } from './bounded';
import type { HeldObject, LastSuccess } from './held-object';

/** One kind in one replica: counts from the last listing, the objects not in sync by name. */
export interface KindState {
  inSync: number;
  filtered: number;
  notOurs: number;
  /** When the last complete listing was read; unset until one was (rebuilding). */
  completeAt?: number;
  error?: string;
  readonly objects: Map<string, HeldObject>;
}

/** One (source, replica) pair. */
export interface PairState {
  readonly kinds: Map<ObjectKind, KindState>;
  readonly lags: SampleWindow;
}

/** A (link, replica) the current topology has: what the report is about. */
export interface ExpectedReplica {
  readonly link: string;
  readonly source: { readonly name: string; readonly region?: string; readonly tenant?: string };
  readonly replica: { readonly name: string; readonly region: string; readonly tenant?: string };
  readonly kinds: readonly ObjectKind[];
}

/** What the report functions read from the board. */
export interface BoardView {
  readonly now: number;
  readonly startedAt: number;
  readonly pairs: ReadonlyMap<string, PairState>;
  readonly failures: readonly HeldObject[];
  readonly lags: SampleWindow;
  readonly traceUrlTemplate: string | undefined;
  readonly refreshSeconds: number;
  lastSuccess(held: HeldObject): LastSuccess | undefined;
}

export const pairKey = (source: string, replica: string): string =>
  `${source.toLowerCase()}>${replica.toLowerCase()}`;
