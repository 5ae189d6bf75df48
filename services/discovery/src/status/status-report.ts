import { pairKey, type BoardView, type ExpectedReplica, type KindState } from './board-state';
import { renderObject, stateOf, type HeldObject } from './held-object';
import {
  emptyCounts,
  OBJECT_STATES,
  type ObjectsQuery,
  type ObjectsReport,
  type ObjectStatus,
  type ReplicaStatus,
  type StateCounts,
  type StatusReport,
} from './status-model';

/** Objects `GET /status/objects` answers with at most, oldest drift first. */
export const DEFAULT_OBJECTS_LIMIT = 500;

const iso = (ms: number) => new Date(ms).toISOString();

/** `GET /status`: per (link, replica) of the current topology, counts by state and ages. */
export function reportStatus(view: BoardView, expected: readonly ExpectedReplica[]): StatusReport {
  const totals = emptyCounts();
  const replicas = expected.map((replica) => replicaStatus(view, replica));
  for (const replica of replicas)
    for (const state of OBJECT_STATES) totals[state] += replica.counts[state];
  const rebuilding = replicas.some((r) => r.rebuilding);
  const notInSync = OBJECT_STATES.some((s) => s !== 'in-sync' && totals[s] > 0);
  return {
    generatedAt: iso(view.now),
    startedAt: iso(view.startedAt),
    rebuilding,
    inSync: !rebuilding && !notInSync && replicas.every((r) => r.error === undefined),
    totals,
    replicas,
    lagMs: view.lags.percentiles(),
    recentFailures: view.failures.map((held) => render(view, held)),
    refreshSeconds: view.refreshSeconds,
  };
}

function replicaStatus(view: BoardView, expected: ExpectedReplica): ReplicaStatus {
  const pair = view.pairs.get(pairKey(expected.source.name, expected.replica.name));
  const counts = emptyCounts();
  let filtered = 0;
  let oldestDrift: number | undefined;
  let observedAt: number | undefined;
  let rebuilding = false;
  let error: string | undefined;
  for (const kind of expected.kinds) {
    const state = pair?.kinds.get(kind);
    if (state?.completeAt === undefined) rebuilding = true;
    else observedAt = Math.min(observedAt ?? Infinity, state.completeAt);
    if (!state) continue;
    error ??= state.error;
    counts['in-sync'] += state.inSync;
    filtered += state.filtered;
    countHeld(state, counts);
    for (const held of state.objects.values())
      if (held.listing) oldestDrift = Math.min(oldestDrift ?? Infinity, held.listing.since);
  }
  return {
    link: expected.link,
    sourceVault: expected.source.name,
    ...(expected.source.region ? { sourceRegion: expected.source.region } : {}),
    ...(expected.source.tenant ? { sourceTenant: expected.source.tenant } : {}),
    replicaVault: expected.replica.name,
    replicaRegion: expected.replica.region,
    ...(expected.replica.tenant ? { replicaTenant: expected.replica.tenant } : {}),
    kinds: expected.kinds,
    rebuilding,
    ...(observedAt !== undefined ? { observedAt: iso(observedAt) } : {}),
    ...(error !== undefined ? { error } : {}),
    counts,
    filtered,
    oldestDriftSeconds:
      oldestDrift === undefined ? null : Math.max(0, Math.round((view.now - oldestDrift) / 1000)),
    lagMs: pair?.lags.percentiles() ?? null,
  };
}

/** Held objects by state; `not-ours` beyond the listing's sample comes from its exact count. */
function countHeld(state: KindState, counts: StateCounts): void {
  let sampledNotOurs = 0;
  for (const held of state.objects.values()) {
    counts[stateOf(held)]++;
    if (held.listing?.state === 'not-ours') sampledNotOurs++;
  }
  counts['not-ours'] += Math.max(0, state.notOurs - sampledNotOurs);
}

/** `GET /status/objects`: the objects not in sync, filtered, oldest drift first. */
export function listObjects(view: BoardView, query: ObjectsQuery): ObjectsReport {
  const needle = query.q?.trim().toLowerCase();
  const matching: HeldObject[] = [];
  for (const pair of view.pairs.values())
    for (const state of pair.kinds.values())
      for (const held of state.objects.values()) {
        if (query.state && stateOf(held) !== query.state) continue;
        if (
          needle &&
          ![held.name, held.sourceVault, held.replicaVault, held.link ?? ''].some((text) =>
            text.toLowerCase().includes(needle),
          )
        )
          continue;
        matching.push(held);
      }
  const since = (held: HeldObject) => held.listing?.since ?? held.updatedAt;
  matching.sort((a, b) => since(a) - since(b) || a.name.localeCompare(b.name));
  const limit = query.limit ?? DEFAULT_OBJECTS_LIMIT;
  return {
    total: matching.length,
    objects: matching.slice(0, limit).map((held) => render(view, held)),
  };
}

const render = (view: BoardView, held: HeldObject): ObjectStatus =>
  renderObject(held, view.now, view.lastSuccess(held), view.traceUrlTemplate);
