import { silentLogger, type Config, type Logger, type ServiceApp } from '@akv-replicator/core';
import type { Bus, Subscription } from '@akv-replicator/bus';
import type { VaultAddress } from '@akv-replicator/keyvault';
import {
  type ConvergeTaskHandler,
  type ConvergeTaskHandlerDeps,
  type ConvergeTaskType,
} from './converge-task-handler';
import { subscribeRegionalTasks } from './subscribe-regional-tasks';

/** What a converging worker is handed by whoever starts it (the CLI opens each once). */
export interface WorkerAppDeps<Store> {
  readonly bus: Bus;
  /** The store of a vault (pacing and identity chosen by the caller). */
  readonly stores: (vault: VaultAddress) => Store;
  readonly logger?: Logger;
  /** The regions this pool serves (DESIGN principle 6): one subscription per region. */
  readonly regions: readonly string[];
  /** Handlers in flight per region; default: the service's own. */
  readonly concurrency?: number;
  /** Delays before retrying a failed task, by delivery (test knob); default CONVERGE_TASK_RETRY. */
  readonly retryDelaysMs?: readonly number[];
}

/** Work a service runs beside its task pool (the certificate-converter's cert-manager push). */
export interface WorkerCompanion {
  /** Starts it; the fields returned go into the "started" log line. */
  start(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** What distinguishes one converging service from the other. */
export interface WorkerAppSpec<T extends ConvergeTaskType, Store> {
  readonly service: string;
  /** The task message its topic carries. */
  readonly taskType: T;
  /** The service's task handler (its handlers/), built from what the app was handed. */
  readonly createHandler: (deps: ConvergeTaskHandlerDeps<Store>) => ConvergeTaskHandler<T>;
  readonly topic: string;
  readonly subscriptionFor: (region: string) => string;
  readonly defaultConcurrency: number;
  readonly companion?: (log: Logger) => WorkerCompanion;
}

/**
 * The composition root both converging services share: one task handler for the service's
 * object kind, one durable subscription per region it serves, an optional companion.
 */
export function createWorkerApp<T extends ConvergeTaskType, Store>(
  config: Config,
  deps: WorkerAppDeps<Store>,
  spec: WorkerAppSpec<T, Store>,
): ServiceApp {
  if (deps.regions.length === 0)
    throw new RangeError(`the ${spec.service} needs at least one region to serve`);
  const log = (deps.logger ?? silentLogger).child({ service: spec.service });
  const handle = spec.createHandler({
    stores: deps.stores,
    publisher: deps.bus,
    policy: {
      overwriteUnowned: config.replication.overwriteUnowned,
      softDeletedAtReplica: config.replication.softDeletedAtReplica,
    },
    maxDeliveries: config.bus.maxDeliveries,
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    logger: log,
  });
  const subscriptions: Subscription[] = [];
  const companion = spec.companion?.(log);
  let started = false;
  return {
    async start() {
      subscriptions.push(
        ...(await subscribeRegionalTasks(
          deps.bus,
          {
            topic: spec.topic,
            type: spec.taskType,
            regions: deps.regions,
            subscriptionFor: spec.subscriptionFor,
            concurrency: deps.concurrency ?? spec.defaultConcurrency,
            maxDeliveries: config.bus.maxDeliveries,
          },
          handle,
        )),
      );
      started = true;
      const fields = (await companion?.start()) ?? {};
      log.info(`${spec.service} started`, { regions: deps.regions.join(','), ...fields });
    },
    async stop() {
      if (!started) return;
      started = false;
      await companion?.stop();
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      log.info(`${spec.service} stopped`);
    },
  };
}
