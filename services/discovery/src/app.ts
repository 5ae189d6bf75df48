import { Cron } from 'croner';
import {
  SUBSCRIPTIONS,
  TOPICS,
  recordReconcileFailure,
  runInSpan,
  silentLogger,
  type Config,
  type Envelope,
  type Logger,
  type Topology,
} from '@akv-replicator/core';
import { reject, type Bus, type Subscription } from '@akv-replicator/bus';
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

/** Durable subscription name discovery consumes with (replicas of the service share it). */
export const DISCOVERY_SUBSCRIPTION = SUBSCRIPTIONS.discovery;

export interface DiscoveryDeps {
  readonly bus: Bus;
  readonly stores: SecretStoreProvider;
  /** When given, reconcile also diffs certificates and plans certificate tasks. */
  readonly certificateStores?: CertificateStoreProvider;
  readonly directory?: VaultDirectory;
  readonly uriFor?: (vaultName: string) => string;
  readonly logger?: Logger;
  /** How often dead letters are turned into failure outcomes (default 30 s). */
  readonly deadLetterCheckMs?: number;
}

export interface DiscoveryApp {
  readonly reconciler: Reconciler;
  readonly topology: TopologyResolver;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Composition root of discovery: topology, reconcile on schedule and on demand, event fan-out. */
export function createDiscoveryApp(
  config: Config,
  topology: Topology,
  deps: DiscoveryDeps,
): DiscoveryApp {
  const log = (deps.logger ?? silentLogger).child({ service: 'discovery' });
  const { replication } = config;
  const resolver = new TopologyResolver(topology, {
    ...(deps.directory ? { directory: deps.directory } : {}),
    tenantIdFor: (key) => config.tenants[key]?.tenantId,
    uriFor: deps.uriFor ?? ((name) => `https://${name}.${config.azure.vaultDnsSuffix}`),
    refreshMs: replication.topologyRefreshSeconds * 1000,
    dryRun: replication.dryRun,
    logger: log,
  });
  const reconciler = new Reconciler({
    topology: resolver,
    stores: deps.stores,
    ...(deps.certificateStores ? { certificateStores: deps.certificateStores } : {}),
    publisher: deps.bus,
    overwriteUnowned: replication.overwriteUnowned,
    dryRun: replication.dryRun,
    historyMaxVersions: replication.historyMaxVersions,
    logger: log,
  });
  const onEvent = createVaultEventHandler({
    topology: resolver,
    publisher: deps.bus,
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
  const subscriptions: Subscription[] = [];
  let schedule: Cron | undefined;
  let initial: Promise<unknown> | undefined;

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

  return {
    reconciler,
    topology: resolver,
    async start() {
      subscriptions.push(
        await deps.bus.subscribe(
          TOPICS.vaultEvents,
          { subscription: DISCOVERY_SUBSCRIPTION },
          async (envelope) =>
            envelope.type === 'akv.vault.event.v1'
              ? onEvent(envelope as Envelope<'akv.vault.event.v1'>)
              : reject(`unexpected ${envelope.type} on ${TOPICS.vaultEvents}`),
        ),
        await deps.bus.subscribe(
          TOPICS.resyncCommands,
          { subscription: DISCOVERY_SUBSCRIPTION, concurrency: 1 },
          async (envelope) =>
            envelope.type === 'akv.resync.command.v1'
              ? onResync(envelope as Envelope<'akv.resync.command.v1'>)
              : reject(`unexpected ${envelope.type} on ${TOPICS.resyncCommands}`),
        ),
      );
      if (!replication.reconcile.suspend) {
        // protect: a reconcile still running when the next is due is not started twice.
        schedule = new Cron(replication.reconcile.schedule, { protect: true }, scheduledRun);
      }
      if (replication.reconcile.onStart) initial = scheduledRun();
      deadLetters.start();
      log.info('discovery started', {
        schedule: replication.reconcile.suspend ? 'suspended' : replication.reconcile.schedule,
      });
    },
    async stop() {
      schedule?.stop();
      await deadLetters.stop();
      await initial;
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      log.info('discovery stopped');
    },
  };
}
