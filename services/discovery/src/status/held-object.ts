import type { ObjectKind } from '@akv-replicator/core';
import type { DriftedPart, ObservedObject } from './listing-observation';
import type { ObjectState, ObjectStatus } from './status-model';

/** What the last listing said about an object it found not in sync. */
export interface ListingFinding {
  readonly state: ObservedObject['state'];
  readonly parts?: readonly DriftedPart[];
  /** Drift start (ms): the source's update time, else when first seen drifting. */
  readonly since: number;
}

/** The last task for the object, while it is in flight or after it failed. */
export interface TaskFinding {
  readonly state: 'pending' | 'failed';
  readonly taskId?: string;
  readonly traceId?: string;
  readonly at: number;
  readonly error?: string;
  readonly code?: string;
  readonly attempts?: number;
  readonly nextStep?: string;
}

export interface LastSuccess {
  readonly at: number;
  readonly lagMs?: number;
  readonly traceId?: string;
  readonly taskId?: string;
}

/** An (object, replica) the board holds by name because it is not in sync. */
export interface HeldObject {
  readonly kind: ObjectKind;
  readonly name: string;
  link?: string;
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly replicaRegion: string;
  listing?: ListingFinding;
  task?: TaskFinding;
  updatedAt: number;
}

/** A task in flight or failed says more than the listing that prompted it. */
export function stateOf(held: HeldObject): Exclude<ObjectState, 'in-sync'> {
  return held.task?.state ?? held.listing?.state ?? 'unknown';
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON view of a held object; `traceUrl` from `telemetry.traceUrlTemplate`. */
export function renderObject(
  held: HeldObject,
  now: number,
  lastSuccess: LastSuccess | undefined,
  traceUrlTemplate: string | undefined,
): ObjectStatus {
  const traceId = held.task?.traceId ?? lastSuccess?.traceId;
  const task = held.task;
  return {
    kind: held.kind,
    name: held.name,
    ...(held.link ? { link: held.link } : {}),
    sourceVault: held.sourceVault,
    replicaVault: held.replicaVault,
    replicaRegion: held.replicaRegion,
    state: stateOf(held),
    ...(held.listing?.parts ? { parts: held.listing.parts } : {}),
    ...(held.listing
      ? {
          driftSince: iso(held.listing.since),
          driftAgeSeconds: Math.max(0, Math.round((now - held.listing.since) / 1000)),
        }
      : {}),
    ...(lastSuccess ? { lastSuccessAt: iso(lastSuccess.at) } : {}),
    ...(lastSuccess?.lagMs !== undefined ? { lagMs: lastSuccess.lagMs } : {}),
    ...(task?.taskId ? { taskId: task.taskId } : {}),
    ...(traceId ? { traceId } : {}),
    ...(traceId && traceUrlTemplate
      ? { traceUrl: traceUrlTemplate.replaceAll('{traceId}', encodeURIComponent(traceId)) }
      : {}),
    ...(task?.error !== undefined ? { error: task.error } : {}),
    ...(task?.code ? { code: task.code } : {}),
    ...(task?.attempts ? { attempts: task.attempts } : {}),
    ...(task?.nextStep ? { nextStep: task.nextStep } : {}),
    updatedAt: iso(held.updatedAt),
  };
}

/** The trace id of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const id = traceparent?.split('-')[1];
  return id && /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : undefined;
}
