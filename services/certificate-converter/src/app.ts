import {
  SUBSCRIPTIONS,
  TOPICS,
  type Config,
  type Logger,
  type ServiceApp,
} from '@akv-replicator/core';
import type { CertificateStore } from '@akv-replicator/keyvault';
import {
  createWorkerApp,
  type WorkerAppDeps,
  type WorkerCompanion,
} from '@akv-replicator/replication';
import type { KubeConfig } from '@kubernetes/client-node';
import { certManagerOutcomePublisher } from './cert-manager/cert-manager-outcomes';
import type { CertManagerPush } from './cert-manager/cert-manager-push';
import {
  CERTIFICATE_CONVERTER_SERVICE,
  createCertificateTaskHandler,
} from './handlers/certificate-task-handler';

/**
 * Default handlers in flight per region. Lower than the secret replicator's 16: an import
 * counts against Key Vault's create budget and parses key material in memory.
 */
export const DEFAULT_CERTIFICATE_CONCURRENCY = 4;

/** The bus, the certificate stores, the regions served and the retry delays (WorkerAppDeps). */
export interface CertificateConverterDeps extends WorkerAppDeps<CertificateStore> {
  /** Kubernetes access for `certManager` instead of its kubeconfig / in-cluster setting (tests). */
  readonly kubeConfig?: KubeConfig;
}

/**
 * Composition root of the certificate-converter: one durable subscription per region, and
 * cert-manager → Key Vault beside the task pool when configured (leader-elected).
 */
export function createCertificateConverterApp(
  config: Config,
  deps: CertificateConverterDeps,
): ServiceApp {
  return createWorkerApp(config, deps, {
    service: CERTIFICATE_CONVERTER_SERVICE,
    taskType: 'akv.certificate.task.v1',
    createHandler: createCertificateTaskHandler,
    topic: TOPICS.certificateTasks,
    subscriptionFor: SUBSCRIPTIONS.certificateConverter,
    defaultConcurrency: DEFAULT_CERTIFICATE_CONCURRENCY,
    companion: (log) => certManagerCompanion(config, deps, log),
  });
}

function certManagerCompanion(
  config: Config,
  deps: CertificateConverterDeps,
  log: Logger,
): WorkerCompanion {
  let certManager: CertManagerPush | undefined;
  return {
    async start() {
      const settings = config.certManager;
      if (!settings) return { certManager: 'off' };
      // Loaded only when configured: @kubernetes/client-node costs tens of MiB of RSS to load.
      const { certManagerPushFromConfig } = await import('./cert-manager/cert-manager-from-config');
      certManager = certManagerPushFromConfig(config, {
        stores: deps.stores,
        logger: log,
        onResult: certManagerOutcomePublisher(deps.bus, settings.vault, log),
        ...(deps.kubeConfig ? { kubeConfig: deps.kubeConfig } : {}),
      });
      await certManager?.start();
      return { certManager: certManager ? settings.vault : 'off' };
    },
    async stop() {
      await certManager?.stop();
      certManager = undefined;
    },
  };
}
