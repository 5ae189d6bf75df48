import {
  SUBSCRIPTIONS,
  TOPICS,
  silentLogger,
  type Config,
  type Logger,
} from '@akv-replicator/core';
import type { Bus, Subscription } from '@akv-replicator/bus';
import { DEFAULT_TASK_RETRY_DELAYS_MS, subscribeRegionalTasks } from '@akv-replicator/replication';
import type { CertificateStore, VaultAddress } from '@akv-replicator/keyvault';
import type { KubeConfig } from '@kubernetes/client-node';
import { certManagerOutcomePublisher } from './cert-manager/cert-manager-outcomes';
import type { CertManagerPush } from './cert-manager/cert-manager-push';
import { createCertificateTaskHandler } from './handlers/certificate-task-handler';

/**
 * Default handlers in flight per region. Lower than the secret replicator's 16: an import
 * counts against Key Vault's create budget and parses key material in memory.
 */
export const DEFAULT_CERTIFICATE_CONCURRENCY = 4;
export const DEFAULT_CERTIFICATE_RETRY_DELAYS_MS = DEFAULT_TASK_RETRY_DELAYS_MS;

export interface CertificateConverterDeps {
  readonly bus: Bus;
  readonly stores: (vault: VaultAddress) => CertificateStore;
  readonly logger?: Logger;
  /** Kubernetes access for `certManager` instead of its kubeconfig / in-cluster setting (tests). */
  readonly kubeConfig?: KubeConfig;
}

export interface CertificateConverterOptions {
  /** The regions this pool serves (DESIGN principle 6): one subscription per region. */
  readonly regions: readonly string[];
  readonly concurrency?: number;
  readonly retryDelaysMs?: readonly number[];
}

export interface CertificateConverterApp {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Composition root of the certificate-converter: one durable subscription per region. */
export function createCertificateConverterApp(
  config: Config,
  options: CertificateConverterOptions,
  deps: CertificateConverterDeps,
): CertificateConverterApp {
  if (options.regions.length === 0)
    throw new RangeError('the certificate-converter needs at least one region to serve');
  const log = (deps.logger ?? silentLogger).child({ service: 'certificate-converter' });
  const handle = createCertificateTaskHandler({
    stores: deps.stores,
    publisher: deps.bus,
    policy: {
      overwriteUnowned: config.replication.overwriteUnowned,
      softDeletedAtReplica: config.replication.softDeletedAtReplica,
    },
    maxDeliveries: config.bus.maxDeliveries,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_CERTIFICATE_RETRY_DELAYS_MS,
    logger: log,
  });
  const subscriptions: Subscription[] = [];
  // cert-manager → Key Vault runs beside the task pool when configured (leader-elected).
  let certManager: CertManagerPush | undefined;
  return {
    async start() {
      subscriptions.push(
        ...(await subscribeRegionalTasks(
          deps.bus,
          {
            topic: TOPICS.certificateTasks,
            type: 'akv.certificate.task.v1',
            regions: options.regions,
            subscriptionFor: SUBSCRIPTIONS.certificateConverter,
            concurrency: options.concurrency ?? DEFAULT_CERTIFICATE_CONCURRENCY,
            maxDeliveries: config.bus.maxDeliveries,
          },
          handle,
        )),
      );
      if (config.certManager) {
        // Loaded only when configured: @kubernetes/client-node costs tens of MiB of RSS to load.
        const { certManagerPushFromConfig } =
          await import('./cert-manager/cert-manager-from-config');
        certManager = certManagerPushFromConfig(config, {
          stores: deps.stores,
          logger: log,
          onResult: certManagerOutcomePublisher(deps.bus, config.certManager.vault, log),
          ...(deps.kubeConfig ? { kubeConfig: deps.kubeConfig } : {}),
        });
        await certManager?.start();
      }
      log.info('certificate-converter started', {
        regions: options.regions.join(','),
        certManager: certManager ? config.certManager?.vault : 'off',
      });
    },
    async stop() {
      await certManager?.stop();
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      log.info('certificate-converter stopped');
    },
  };
}
