import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import {
  silentLogger,
  type LoadedConfig,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import {
  VaultPacers,
  VaultSharePlan,
  createCertificateStoreProvider,
  createSecretStoreProvider,
  type HostedRoles,
} from '@akv-replicator/keyvault';

import { identitiesFromConfig } from './identities';
import { replicaRegions } from './replica-regions';
import type { ServiceName } from './service-names';

export interface StackAdapters {
  readonly bus: Bus;
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  readonly secrets: SecretSource;
  /** Extra options for Key Vault and ARM clients (the emulator's CA). */
  readonly secretClientOptions?: SecretClientOptions;
  readonly armClientOptions?: { tlsOptions?: { ca: string } };
  readonly logger?: Logger;
  /** Test knobs: shorter pacing windows and 429 backoff than Key Vault's real 10 s and 1–16 s. */
  readonly pacing?: { windowMs?: number; backoffMs?: readonly number[] };
}

export interface StackOptions {
  readonly services: readonly ServiceName[];
  /** Regions the replicator serves; default: every replica region in the configuration. */
  readonly regions?: readonly string[];
  /** Ingress listen address; port 0 picks a free one. */
  readonly ingress?: { host: string; port: number };
  /** Delays before retrying a failed task, by delivery (test knob; default 1 s doubling to 30 s). */
  readonly retryDelaysMs?: readonly number[];
}

export interface RunningStack {
  readonly ingressUrl: string | undefined;
  /** Discovery's status endpoint, when this process runs discovery with `status.enabled`. */
  readonly statusUrl: string | undefined;
  readonly regions: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts the chosen services in this process over the given bus and Azure adapters. Services
 * still only talk through the bus; running them together changes nothing but deployment.
 */
export async function startServices(
  loaded: LoadedConfig,
  options: StackOptions,
  adapters: StackAdapters,
): Promise<RunningStack> {
  const { config, topology } = loaded;
  const log = adapters.logger ?? silentLogger;
  const uriFor = (name: string) => `https://${name}.${config.azure.vaultDnsSuffix}`;
  const regions = options.regions ?? replicaRegions(loaded);
  // One pacer per vault for secrets and certificates alike: they share Key Vault's budget, of
  // which this process gets the slices of the services (and regions) it runs.
  const pacers = vaultPacers(loaded, adapters, {
    discovery: options.services.includes('discovery'),
    workers: (['replicator', 'certificate-converter'] as const)
      .filter((service) => options.services.includes(service))
      .flatMap((service) => regions.map((region) => ({ service, region }))),
  });
  const stores = secretStores(loaded, adapters, pacers);
  const certificateStores = createCertificateStoreProvider({
    credentialFor: adapters.credentialFor,
    ...(adapters.secretClientOptions ? { clientOptions: adapters.secretClientOptions } : {}),
    pacers,
    uriFor,
    identityFor: identitiesFromConfig(config),
  });
  const stops: (() => Promise<void>)[] = [];
  let ingressUrl: string | undefined;
  let statusUrl: string | undefined;

  try {
    if (options.services.includes('notifier')) {
      // Each service is loaded only when this process runs it: a replicator-only process
      // never loads the HTTP server, JWT or SMTP libraries.
      const { createNotifierApp } = await import('@akv-replicator/notifier');
      const notifier = createNotifierApp(config, {
        bus: adapters.bus,
        secretSource: adapters.secrets,
        logger: log.child({ service: 'notifier' }),
      });
      await notifier.start();
      stops.push(() => notifier.stop());
    }
    if (options.services.includes('replicator')) {
      const { createReplicatorApp } = await import('@akv-replicator/replicator');
      const replicator = createReplicatorApp(config, {
        bus: adapters.bus,
        stores,
        logger: log,
        regions,
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      });
      await replicator.start();
      stops.push(() => replicator.stop());
    }
    if (options.services.includes('certificate-converter')) {
      const { createCertificateConverterApp } =
        await import('@akv-replicator/certificate-converter');
      const converter = createCertificateConverterApp(config, {
        bus: adapters.bus,
        stores: certificateStores,
        logger: log,
        regions,
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      });
      await converter.start();
      stops.push(() => converter.stop());
    }
    if (options.services.includes('discovery')) {
      const { createDiscoveryApp } = await import('@akv-replicator/discovery');
      // Only discovery talks to ARM: other processes never load the management SDK.
      const { armDirectory } = await import('./arm-directory');
      const discovery = createDiscoveryApp(config, {
        topology,
        bus: adapters.bus,
        stores,
        certificateStores,
        directory: armDirectory(loaded, adapters),
        uriFor,
        secrets: adapters.secrets,
        logger: log,
      });
      await discovery.start();
      statusUrl = discovery.statusUrl;
      stops.push(() => discovery.stop());
    }
    if (options.services.includes('ingress')) {
      const { createIngressApp } = await import('@akv-replicator/ingress');
      const ingress = createIngressApp(config, {
        bus: adapters.bus,
        secrets: adapters.secrets,
        credentialFor: adapters.credentialFor,
        logger: log,
        ...(options.ingress ? { listen: options.ingress } : {}),
      });
      await ingress.start();
      stops.push(() => ingress.stop());
      ingressUrl = ingress.url;
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    ingressUrl,
    statusUrl,
    regions,
    stop() {
      // Entry points first (ingress), then discovery, then workers drain their backlog.
      stopping ??= (async () => {
        for (const stop of stops.reverse()) await stop();
      })();
      return stopping;
    },
  };
}

/** Paced SecretStores over the Azure SDK with the configured Key Vault limits. */
export function secretStores(
  loaded: LoadedConfig,
  adapters: Pick<StackAdapters, 'credentialFor' | 'secretClientOptions' | 'pacing'>,
  pacers?: VaultPacers,
) {
  const { config } = loaded;
  return createSecretStoreProvider({
    credentialFor: adapters.credentialFor,
    ...(adapters.secretClientOptions ? { clientOptions: adapters.secretClientOptions } : {}),
    limits: pacingLimits(loaded, adapters),
    uriFor: (name) => `https://${name}.${config.azure.vaultDnsSuffix}`,
    ...(pacers ? { pacers } : {}),
    // A 403 names the identity and the role it lacks (permission failures, DESIGN principle 9).
    identityFor: identitiesFromConfig(config),
  });
}

/**
 * One VaultPacer per vault endpoint, shared by the secret and certificate stores. With `hosted`
 * (what this process runs), each vault's share is split with the other processes the topology
 * says touch it; without, this process alone uses the source share of every vault.
 */
export function vaultPacers(
  loaded: LoadedConfig,
  adapters: Pick<StackAdapters, 'pacing'>,
  hosted?: HostedRoles,
) {
  const limits = loaded.config.replication.keyVaultLimits;
  const shares = {
    source: limits.utilization ?? limits.sourceShare,
    replica: limits.utilization ?? limits.replicaShare,
  };
  return new VaultPacers(
    pacingLimits(loaded, adapters),
    hosted ? new VaultSharePlan(loaded.topology, hosted, shares) : undefined,
  );
}

function pacingLimits(loaded: LoadedConfig, adapters: Pick<StackAdapters, 'pacing'>) {
  const limits = loaded.config.replication.keyVaultLimits;
  return {
    transactionsPerWindow: limits.transactionsPer10s,
    createsPerWindow: limits.secretCreatesPer10s,
    // Without a share plan (status reads, tests): the smaller, source share everywhere.
    utilization: limits.utilization ?? Math.min(limits.sourceShare, limits.replicaShare),
    ...adapters.pacing,
  };
}
