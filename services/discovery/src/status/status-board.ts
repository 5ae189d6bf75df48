import { nextStep, type ObjectKind, type OutcomeData } from '@akv-replicator/core';
import { BoundedMap, SampleWindow } from './bounded';
import { traceIdOf, type HeldObject, type LastSuccess } from './held-object';
import type { ListingObservation, ListingObserver } from './listing-observation';
import {
  pairKey,
  type BoardView,
  type ExpectedReplica,
  type KindState,
  type PairState,
} from './board-state';
import { listObjects, reportStatus } from './status-report';
import type { ObjectsQuery, ObjectsReport, StatusReport } from './status-model';

/** Objects whose last success the board remembers by name (the rest are counts). */
export const DEFAULT_RECENT_SUCCESSES = 1_000;
/** Failures listed on the page, newest first. */
export const DEFAULT_RECENT_FAILURES = 50;
/** Lag samples kept per replica for the percentiles. */
export const DEFAULT_LAG_SAMPLES = 512;

export interface StatusBoardOptions {
  readonly now?: () => number;
  readonly traceUrlTemplate?: string;
  readonly refreshSeconds?: number;
  readonly recentSuccesses?: number;
  readonly recentFailures?: number;
  readonly lagSamples?: number;
}

/** A task discovery published: the object is `pending` until its outcome arrives. */
export interface PlannedTaskNote {
  readonly kind: ObjectKind;
  readonly objectName: string;
  readonly link: string;
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly replicaRegion: string;
  readonly taskId: string;
  readonly traceparent?: string;
}

/**
 * Per (object, replica) status (issue #20), held by discovery: listings at each reconcile say
 * what differs, planned tasks make objects `pending`, outcomes in between say `failed` or in sync.
 * Memory is bounded: objects in sync are counts (plus a bounded map of recent successes); only
 * objects not in sync are held by name. After a start, a replica reads `rebuilding` until a
 * complete listing of each of its kinds was observed, so a restart never reports "in sync".
 */
export class StatusBoard implements ListingObserver {
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly pairs = new Map<string, PairState>();
  private readonly successes: BoundedMap<string, LastSuccess>;
  private readonly failures: HeldObject[] = [];
  private readonly lags: SampleWindow;

  constructor(private readonly options: StatusBoardOptions = {}) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.successes = new BoundedMap(options.recentSuccesses ?? DEFAULT_RECENT_SUCCESSES);
    this.lags = new SampleWindow(options.lagSamples ?? DEFAULT_LAG_SAMPLES);
  }

  listingObserved(observation: ListingObservation): void {
    const state = this.kindState(
      observation.sourceVault,
      observation.replicaVault,
      observation.kind,
    );
    const seen = new Set<string>();
    for (const found of observation.notInSync) {
      const key = found.name.toLowerCase();
      seen.add(key);
      const held = this.hold(state, observation.kind, found.name, observation);
      const previous = held.listing;
      held.listing = {
        state: found.state,
        ...(found.parts ? { parts: found.parts } : {}),
        since:
          found.sourceUpdated ??
          (previous?.state === found.state ? previous.since : observation.observedAt),
      };
      held.updatedAt = observation.observedAt;
    }
    if (observation.error !== undefined) {
      // A partial listing proves what it found, never that the rest is in sync.
      state.error = observation.error;
      return;
    }
    for (const [key, held] of state.objects) {
      if (seen.has(key)) continue;
      // A task planned after the listing was read (an event) is still in flight.
      if (held.task?.state === 'pending' && held.task.at > observation.observedAt) {
        delete held.listing;
        continue;
      }
      state.objects.delete(key);
    }
    state.inSync = observation.inSync;
    state.filtered = observation.filtered;
    state.notOurs = observation.notOursCount;
    state.completeAt = observation.observedAt;
    delete state.error;
  }

  taskPlanned(task: PlannedTaskNote): void {
    const state = this.kindState(task.sourceVault, task.replicaVault, task.kind);
    const held = this.hold(state, task.kind, task.objectName, task);
    held.link = task.link;
    const traceId = traceIdOf(task.traceparent);
    held.task = {
      state: 'pending',
      taskId: task.taskId,
      at: this.now(),
      ...(traceId ? { traceId } : {}),
    };
    held.updatedAt = this.now();
  }

  /** An outcome from the `outcomes` topic; planning and dry-run outcomes change nothing. */
  outcomeReceived(outcome: OutcomeData, traceparent?: string): void {
    const { objectKind: kind, objectName: name, source, replica } = outcome;
    if (outcome.dryRun || !kind || !name || !source || !replica) return;
    const state = this.kindState(source.name, replica.name, kind);
    const key = name.toLowerCase();
    const traceId = traceIdOf(traceparent);
    const held = state.objects.get(key);
    const at = Date.parse(outcome.at);
    if (outcome.status === 'success') {
      const success = {
        at,
        ...(outcome.lagMs !== undefined ? { lagMs: outcome.lagMs } : {}),
        ...(traceId ? { traceId } : {}),
        ...(outcome.taskId ? { taskId: outcome.taskId } : {}),
      };
      this.successes.set(this.objectKey(source.name, replica.name, kind, name), success);
      if (outcome.lagMs !== undefined && outcome.trigger?.kind === 'event') {
        this.lags.add(outcome.lagMs);
        this.pair(source.name, replica.name).lags.add(outcome.lagMs);
      }
      // A newer task for the object is still in flight: it stays pending.
      if (held?.task?.state === 'pending' && held.task.taskId !== outcome.taskId) return;
      if (held) state.objects.delete(key);
      state.inSync = Math.max(
        0,
        state.inSync + inSyncChange(outcome.action, held?.listing !== undefined),
      );
      return;
    }
    if (outcome.status === 'warning') {
      if (!held) return;
      delete held.task;
      if (!held.listing) state.objects.delete(key);
      return;
    }
    const target = this.hold(state, kind, name, {
      sourceVault: source.name,
      replicaVault: replica.name,
      replicaRegion: replica.region,
    });
    if (outcome.link) target.link = outcome.link;
    const sameTask = target.task?.taskId !== undefined && target.task.taskId === outcome.taskId;
    const step = nextStep(outcome);
    target.task = {
      state: 'failed',
      at,
      ...(outcome.taskId ? { taskId: outcome.taskId } : {}),
      ...(traceId ? { traceId } : target.task?.traceId ? { traceId: target.task.traceId } : {}),
      error: outcome.reason ?? outcome.action,
      ...(outcome.code ? { code: outcome.code } : {}),
      attempts: sameTask && target.task?.state === 'failed' ? (target.task.attempts ?? 0) + 1 : 1,
      ...(step ? { nextStep: step } : {}),
    };
    target.updatedAt = at;
    this.failures.unshift({ ...target });
    this.failures.length = Math.min(
      this.failures.length,
      this.options.recentFailures ?? DEFAULT_RECENT_FAILURES,
    );
  }

  /** The summary for the replicas the topology currently has. */
  report(expected: readonly ExpectedReplica[]): StatusReport {
    return reportStatus(this.view(), expected);
  }

  objects(query: ObjectsQuery = {}): ObjectsReport {
    return listObjects(this.view(), query);
  }

  /** How many objects are held by name (memory is bounded by what is not in sync). */
  heldCount(): number {
    let count = 0;
    for (const pair of this.pairs.values())
      for (const state of pair.kinds.values()) count += state.objects.size;
    return count;
  }

  get recentSuccessCount(): number {
    return this.successes.size;
  }

  private view(): BoardView {
    return {
      now: this.now(),
      startedAt: this.startedAt,
      pairs: this.pairs,
      failures: this.failures,
      lags: this.lags,
      lastSuccess: (held: HeldObject) =>
        this.successes.get(
          this.objectKey(held.sourceVault, held.replicaVault, held.kind, held.name),
        ),
      traceUrlTemplate: this.options.traceUrlTemplate,
      refreshSeconds: this.options.refreshSeconds ?? 10,
    };
  }

  private objectKey(source: string, replica: string, kind: ObjectKind, name: string): string {
    return `${pairKey(source, replica)}/${kind}/${name.toLowerCase()}`;
  }

  private pair(source: string, replica: string): PairState {
    const key = pairKey(source, replica);
    let pair = this.pairs.get(key);
    if (!pair)
      this.pairs.set(
        key,
        (pair = {
          kinds: new Map(),
          lags: new SampleWindow(this.options.lagSamples ?? DEFAULT_LAG_SAMPLES),
        }),
      );
    return pair;
  }

  private kindState(source: string, replica: string, kind: ObjectKind): KindState {
    const pair = this.pair(source, replica);
    let state = pair.kinds.get(kind);
    if (!state)
      pair.kinds.set(kind, (state = { inSync: 0, filtered: 0, notOurs: 0, objects: new Map() }));
    return state;
  }

  private hold(
    state: KindState,
    kind: ObjectKind,
    name: string,
    where: { sourceVault: string; replicaVault: string; replicaRegion: string },
  ): HeldObject {
    const key = name.toLowerCase();
    let held = state.objects.get(key);
    if (!held)
      state.objects.set(
        key,
        (held = {
          kind,
          name,
          sourceVault: where.sourceVault,
          replicaVault: where.replicaVault,
          replicaRegion: where.replicaRegion,
          updatedAt: this.now(),
        }),
      );
    return held;
  }
}

/**
 * How a success changes the listing's in-sync count until the next listing recounts: an object
 * the listing found not in sync, or one the replica did not have (`created`: new since the
 * listing), is now in sync; a replica copy deleted with its source no longer exists.
 */
function inSyncChange(action: string, heldByListing: boolean): number {
  if (action === 'deleted') return heldByListing ? 0 : -1;
  return heldByListing || action === 'created' ? 1 : 0;
}
