/**
 * What `GET /status` and `GET /status/objects` answer (issue #20): the contract between the
 * status board, the web page and `akv-replicator status`. Names, states, times and reasons
 * only: listings and outcomes carry no values, so neither does anything here.
 */
import type { ObjectKind } from '@akv-replicator/core';
import type { DriftedPart } from './listing-observation';

/** Where an (object, replica) stands. Only objects not `in-sync` are held by name. */
export type ObjectState =
  | 'in-sync'
  | 'drifted'
  | 'missing'
  | 'not-ours'
  | 'deleted-at-source'
  | 'unknown'
  | 'failed'
  | 'pending';

export const OBJECT_STATES: readonly ObjectState[] = [
  'in-sync',
  'drifted',
  'missing',
  'not-ours',
  'deleted-at-source',
  'unknown',
  'failed',
  'pending',
];

export type StateCounts = Record<ObjectState, number>;

export interface LagPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One object not in sync in one replica. Times are ISO 8601. */
export interface ObjectStatus {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly link?: string;
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly replicaRegion: string;
  readonly state: Exclude<ObjectState, 'in-sync'>;
  /** For `drifted`: which parts differ (value, attributes, tags). */
  readonly parts?: readonly DriftedPart[];
  /** Since when the replica differs (the source's update time when the listing gave it). */
  readonly driftSince?: string;
  readonly driftAgeSeconds?: number;
  readonly lastSuccessAt?: string;
  /** Source version created → replica written, of the last successful event-driven task. */
  readonly lagMs?: number;
  readonly taskId?: string;
  readonly traceId?: string;
  /** `telemetry.traceUrlTemplate` filled with `traceId`, when configured. */
  readonly traceUrl?: string;
  /** For `failed`: the worker's reason and code, deliveries seen failing, what to do. */
  readonly error?: string;
  readonly code?: string;
  readonly attempts?: number;
  readonly nextStep?: string;
  readonly updatedAt: string;
}

/** One (link, replica): what discovery saw at its last listings and heard since. */
export interface ReplicaStatus {
  readonly link: string;
  readonly sourceVault: string;
  readonly sourceRegion?: string;
  readonly sourceTenant?: string;
  readonly replicaVault: string;
  readonly replicaRegion: string;
  readonly replicaTenant?: string;
  readonly kinds: readonly ObjectKind[];
  /** No complete listing of every kind yet since discovery started: counts are incomplete. */
  readonly rebuilding: boolean;
  /** The oldest of the last complete listings of its kinds. */
  readonly observedAt?: string;
  /** Why the last listing was partial, when it was. */
  readonly error?: string;
  /** `in-sync` as of the last listing (plus repairs since); the others by name. */
  readonly counts: StateCounts;
  readonly filtered: number;
  readonly oldestDriftSeconds: number | null;
  readonly lagMs: LagPercentiles | null;
}

/**
 * The body of a 503 from a follower discovery instance that cannot show the leader's board:
 * why, and whom it last saw lead (null during an election). The CLI prints it as it is.
 */
export interface StatusUnavailable {
  readonly error: string;
  readonly role: 'follower';
  readonly leader: string | null;
}

export interface StatusReport {
  readonly generatedAt: string;
  readonly startedAt: string;
  /** Some (link, replica, kind) has had no complete listing since start: never "in sync". */
  readonly rebuilding: boolean;
  /** Everything observed is in sync and nothing is rebuilding. */
  readonly inSync: boolean;
  readonly totals: StateCounts;
  readonly replicas: readonly ReplicaStatus[];
  readonly lagMs: LagPercentiles | null;
  /** The latest failures, newest first, each with its next step. */
  readonly recentFailures: readonly ObjectStatus[];
  /** How often the page re-reads this report (`status.refreshSeconds`). */
  readonly refreshSeconds: number;
}

export interface ObjectsQuery {
  readonly state?: ObjectState;
  /** Case-insensitive substring of the object, vault or link name. */
  readonly q?: string;
  readonly limit?: number;
}

export interface ObjectsReport {
  readonly total: number;
  readonly objects: readonly ObjectStatus[];
}

export const emptyCounts = (): StateCounts =>
  Object.fromEntries(OBJECT_STATES.map((s) => [s, 0])) as StateCounts;
