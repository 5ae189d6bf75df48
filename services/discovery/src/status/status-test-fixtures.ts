import type { OutcomeData } from '@akv-replicator/core';
import type { ExpectedReplica } from './board-state';
import type { ListingObservation } from './listing-observation';

/** Test fixtures for the status board: one source into two replicas, a clock tests move. */
export const T0 = Date.parse('2026-03-01T12:00:00Z');
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

export function manualClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export const EXPECTED: readonly ExpectedReplica[] = [
  {
    link: 'payments',
    source: { name: 'kv-src', region: 'westeurope', tenant: 'default' },
    replica: { name: 'kv-neu', region: 'northeurope', tenant: 'default' },
    kinds: ['secret', 'certificate'],
  },
  {
    link: 'payments',
    source: { name: 'kv-src', region: 'westeurope', tenant: 'default' },
    replica: { name: 'kv-eus', region: 'eastus', tenant: 'other' },
    kinds: ['secret'],
  },
];

export function observation(overrides: Partial<ListingObservation> = {}): ListingObservation {
  return {
    kind: 'secret',
    sourceVault: 'kv-src',
    replicaVault: 'kv-neu',
    replicaRegion: 'northeurope',
    observedAt: T0,
    inSync: 0,
    filtered: 0,
    notInSync: [],
    notOursCount: 0,
    ...overrides,
  };
}

/** Complete, clean listings of every expected (replica, kind). */
export const everythingObserved = (at = T0): ListingObservation[] =>
  EXPECTED.flatMap((e) =>
    e.kinds.map((kind) =>
      observation({
        kind,
        replicaVault: e.replica.name,
        replicaRegion: e.replica.region,
        observedAt: at,
      }),
    ),
  );

export function outcome(overrides: Partial<OutcomeData> = {}): OutcomeData {
  return {
    outcomeId: `o-${Math.random()}`,
    status: 'success',
    action: 'updated',
    service: 'replicator',
    link: 'payments',
    objectKind: 'secret',
    objectName: 'db-password',
    source: { name: 'kv-src' },
    replica: { name: 'kv-neu', region: 'northeurope' },
    taskId: 'task-1',
    trigger: { kind: 'event', id: 'e-1' },
    dryRun: false,
    at: new Date(T0 + 5_000).toISOString(),
    ...overrides,
  };
}
