import { ReplicatorError, type Config } from '@akv-replicator/core';
import type { Manifest } from './render-manifests';

/** One discovery pod unless told otherwise: without an election a second one plans twice. */
export const DEFAULT_DISCOVERY_REPLICAS = 1;

/**
 * How many discovery pods to run: more than one only with a leader election, since every
 * instance of `kind: none` leads and two would run each reconcile and fan-out twice (ADR 0022).
 */
export function discoveryReplicas(
  config: Config,
  requested: number = DEFAULT_DISCOVERY_REPLICAS,
): number {
  if (requested > 1 && config.discovery.leaderElection.kind === 'none') {
    throw new ReplicatorError(
      `cannot render manifests: ${requested} discovery replicas need discovery.leaderElection.kind nats or kubernetes-lease (it is none: every instance would plan every reconcile)`,
      { code: 'ConfigInvalid', retryable: false },
    );
  }
  return requested;
}

/**
 * The parts of discovery's Deployment spec that depend on its election and replica count. Without
 * an election the old pod stops before the new one starts (two would reconcile at once). With
 * one, a rollout starts the new pod first: it campaigns as a follower until the old leader
 * releases the lease on SIGTERM, so planning pauses for one renew period at most. Several pods
 * spread over nodes, so that one node's loss does not take every candidate.
 */
export function discoverySpec(
  config: Config,
  replicas: number,
  selector: Readonly<Record<string, string>>,
): { spec: Manifest; podSpec: Manifest } {
  const elected = config.discovery.leaderElection.kind !== 'none';
  return {
    spec: {
      strategy: elected
        ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
        : { type: 'Recreate' },
    },
    podSpec:
      replicas > 1
        ? {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
          }
        : {},
  };
}

/** A voluntary disruption (node drain) leaves one candidate running, when there are several. */
export function discoveryDisruptionBudget(
  replicas: number,
  metadata: Manifest,
  selector: Readonly<Record<string, string>>,
): Manifest[] {
  if (replicas <= 1) return [];
  return [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
  ];
}
