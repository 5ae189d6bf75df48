import {
  recordReconcileFailure,
  runInSpan,
  silentLogger,
  type Config,
  type Logger,
  type SecretSource,
  type ServiceApp,
  type Topology,
} from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import type { LeaderElection } from '@akv-replicator/leases';
import type { VaultDirectory } from '@akv-replicator/keyvault';
import { createResyncHandler } from './handlers/resync-handler';
import { createVaultEventHandler } from './handlers/vault-event-handler';
import {
  Reconciler,
  type CertificateStoreProvider,
  type SecretStoreProvider,
} from './reconcile/reconciler';
import { TopologyResolver } from './topology/topology-resolver';
import { DeadLetterWatcher } from './dead-letters/dead-letter-watcher';
import { StatusService } from './status/status-service';
import { DiscoveryLeadership } from './leadership/discovery-leadership';
import { electionFromConfig, type ElectionBackends } from './leadership/election-from-config';
import { createLeaderDuties } from './leadership/leader-duties';

/** What discovery is handed by whoever starts it (the CLI opens each of these once). */
export interface DiscoveryDeps {
  /** The links the configuration declares (`LoadedConfig.topology`); ARM and tags add to them. */
  readonly topology: Topology;
  readonly bus: Bus;
  readonly stores: SecretStoreProvider;
  /** When given, reconcile also diffs certificates and plans certificate tasks. */
  readonly certificateStores?: CertificateStoreProvider;
  readonly directory?: VaultDirectory;
  readonly uriFor?: (vaultName: string) => string;
  readonly logger?: Logger;
  /** How often dead letters are turned into failure outcomes (default 30 s). */
  readonly deadLetterCheckMs?: number;
  /** Where secret references (`status.token`) are read from; needed with `status.enabled`. */
  readonly secrets?: SecretSource;
  /** Where `discovery.leaderElection` keeps its lease (the bus's NATS connection). */
  readonly election?: ElectionBackends;
}

/** The service, plus its reconciler and resolved topology for in-process callers (tests, e2e). */
export interface DiscoveryApp extends ServiceApp {
  readonly reconciler: Reconciler;
  readonly topology: TopologyResolver;
  /** The status endpoint's base URL once started, with `status.enabled`. */
  readonly statusUrl: string | undefined;
  /** Whether this instance leads (`discovery.leaderElection`; always true with `none` once started). */
  readonly isLeader: boolean;
}

/** Composition root of discovery: topology, reconcile on schedule and on demand, event fan-out. */
export function createDiscoveryApp(config: Config, deps: DiscoveryDeps): DiscoveryApp {
  const log = (deps.logger ?? silentLogger).child({ service: 'discovery' });
  const { replication } = config;
  const resolver = new TopologyResolver(deps.topology, {
    ...(deps.directory ? { directory: deps.directory } : {}),
    tenantIdFor: (key) => config.tenants[key]?.tenantId,
    uriFor: deps.uriFor ?? ((name) => `https://${name}.${config.azure.vaultDnsSuffix}`),
    refreshMs: replication.topologyRefreshSeconds * 1000,
    dryRun: replication.dryRun,
    logger: log,
  });
  const elected = config.discovery.leaderElection.kind !== 'none';
  // The status board (issue #20) sees each listing diff and each task discovery publishes.
  const status = config.status.enabled
    ? new StatusService(config, {
        bus: deps.bus,
        topology: resolver,
        secrets: deps.secrets ?? {
          env: {},
          readFile: () => Promise.reject(new Error('no secrets')),
        },
        certificates: deps.certificateStores !== undefined,
        logger: log,
        // A follower's board is not fed: its endpoint shows the leader's (issue #21).
        ...(elected
          ? {
              leadership: {
                get isLeader() {
                  return election?.isLeader ?? false;
                },
                get leader() {
                  return election?.leader;
                },
              },
            }
          : {}),
      })
    : undefined;
  // Only the leader plans (issue #21): with an election, everything discovery publishes is gated
  // on leadership, so a leader that loses the lease mid-reconcile stops at its next task.
  const leadership = new DiscoveryLeadership(
    {
      // The board's outcomes subscription is shared between instances: the leader holds it.
      begin: async (term) => {
        await duties.begin(term);
        await status?.followOutcomes();
      },
      end: async () => {
        await duties.end();
        await status?.unfollowOutcomes();
      },
    },
    log,
    // With an election, a leader that cannot subscribe steps aside instead of holding the lease.
    elected ? () => void restartElection() : undefined,
  );
  const ungated = status ? status.publisher(deps.bus) : deps.bus;
  const publisher = elected ? leadership.gate(ungated) : ungated;
  const reconciler = new Reconciler({
    topology: resolver,
    stores: deps.stores,
    ...(deps.certificateStores ? { certificateStores: deps.certificateStores } : {}),
    ...(status ? { observer: status.board } : {}),
    publisher,
    overwriteUnowned: replication.overwriteUnowned,
    dryRun: replication.dryRun,
    historyMaxVersions: replication.historyMaxVersions,
    logger: log,
  });
  const onEvent = createVaultEventHandler({
    topology: resolver,
    publisher,
    dryRun: replication.dryRun,
    historyMaxVersions: replication.historyMaxVersions,
    logger: log,
  });
  const onResync = createResyncHandler({ reconciler, dryRun: replication.dryRun });
  const deadLetters = new DeadLetterWatcher({
    bus: deps.bus,
    ...(deps.deadLetterCheckMs ? { intervalMs: deps.deadLetterCheckMs } : {}),
    logger: log,
  });
  let election: LeaderElection | undefined;
  let stopping = false;
  const restartElection = async () => {
    await election?.stop();
    if (!stopping) election?.start();
  };

  const scheduledRun = async () => {
    const id = `reconcile-${new Date().toISOString()}`;
    try {
      await runInSpan('reconcile', { 'akvr.trigger': 'reconcile', 'akvr.reconcile.id': id }, () =>
        reconciler.run({ trigger: { kind: 'reconcile', id } }),
      );
    } catch (error) {
      log.error('scheduled reconcile failed', { id, error: (error as Error).message });
      recordReconcileFailure('reconcile');
    }
  };
  const duties = createLeaderDuties({
    bus: deps.bus,
    reconcile: replication.reconcile,
    onEvent,
    onResync,
    reconcileNow: scheduledRun,
    deadLetters,
    logger: log,
  });

  return {
    reconciler,
    topology: resolver,
    get statusUrl() {
      return status?.url;
    },
    get isLeader() {
      return election?.isLeader ?? false;
    },
    async start() {
      // Before the first reconcile, so its listings and tasks reach the board.
      await status?.start();
      election = await electionFromConfig(config, leadership.listener, {
        bus: deps.bus,
        // The leader's identity carries its status address: followers forward reads there.
        ...(status?.advertisedAddress ? { advertise: status.advertisedAddress } : {}),
        ...(deps.secrets ? { secrets: deps.secrets } : {}),
        ...deps.election,
        logger: log,
      });
      election.start();
      // With `none` this instance leads at once: its subscriptions are in place on return.
      await leadership.settled();
      log.info('discovery started', {
        schedule: replication.reconcile.suspend ? 'suspended' : replication.reconcile.schedule,
        leaderElection: config.discovery.leaderElection.kind,
      });
    },
    async stop() {
      stopping = true;
      await election?.stop();
      await leadership.settled();
      await status?.stop();
      log.info('discovery stopped');
    },
  };
}
