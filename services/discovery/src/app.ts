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
  type SecretSource,
  type ServiceApp,
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
import { StatusService } from './status/status-service';

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
}

/** The service, plus its reconciler and resolved topology for in-process callers (tests, e2e). */
export interface DiscoveryApp extends ServiceApp {
  readonly reconciler: Reconciler;
  readonly topology: TopologyResolver;
  /** The status endpoint's base URL once started, with `status.enabled`. */
  readonly statusUrl: string | undefined;
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
      })
    : undefined;
  const publisher = status ? status.publisher(deps.bus) : deps.bus;
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
    get statusUrl() {
      return status?.url;
    },
    async start() {
      // Before the first reconcile, so its listings and tasks reach the board.
      await status?.start();
      subscriptions.push(
        await deps.bus.subscribe(
          TOPICS.vaultEvents,
          { subscription: SUBSCRIPTIONS.discovery },
          async (envelope) =>
            envelope.type === 'akv.vault.event.v1'
              ? onEvent(envelope as Envelope<'akv.vault.event.v1'>)
              : reject(`unexpected ${envelope.type} on ${TOPICS.vaultEvents}`),
        ),
        await deps.bus.subscribe(
          TOPICS.resyncCommands,
          { subscription: SUBSCRIPTIONS.discovery, concurrency: 1 },
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
      await status?.stop();
      log.info('discovery stopped');
    },
  };
}
