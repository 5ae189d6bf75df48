import type { TokenCredential } from '@azure/core-auth';
import {
  silentLogger,
  type LoadedConfig,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import {
  type CertificateStore,
  type SecretStore,
  type VaultAddress,
  type VaultDirectory,
} from '@akv-replicator/keyvault';
import type { RuntimeAdapters } from './adapters';
import { azureAdapters, fileSecretSource } from './credentials';
import { openBus } from './open-bus';
import { replicaRegions } from './replica-regions';
import type { ServiceName } from './service-names';
import { certificateStores, secretStores, vaultPacers, vaultUriFor } from './stores';

/** What a process runs, which decides its share of each vault's Key Vault budget. */
export interface RuntimeOptions {
  readonly services: readonly ServiceName[];
  /** Regions the workers serve; default: every replica region in the configuration. */
  readonly regions?: readonly string[];
}

/**
 * Everything a service's app is handed, opened once per process: the bus, Azure credentials,
 * paced Key Vault stores (one pacer per vault for secrets and certificates alike) and ARM.
 */
export interface Runtime {
  readonly bus: Bus;
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  readonly secrets: SecretSource;
  readonly logger: Logger;
  /** The regions the workers of this process serve. */
  readonly regions: readonly string[];
  readonly stores: (vault: VaultAddress) => SecretStore;
  readonly certificateStores: (vault: VaultAddress) => CertificateStore;
  readonly uriFor: (vaultName: string) => string;
  /** ARM access; loaded on first call, so processes without discovery never load the management SDK. */
  directory(): Promise<VaultDirectory>;
  /** Closes what this runtime opened (the bus of `openRuntime`; nothing for `runtimeOver`). */
  close(): Promise<void>;
}

/**
 * A runtime over adapters the caller opened and keeps (the CLI's local stack, tests): builds
 * this process's pacers and stores; `close()` leaves the bus to its owner.
 */
export function runtimeOver(
  loaded: LoadedConfig,
  adapters: RuntimeAdapters,
  options: RuntimeOptions,
): Runtime {
  const regions = options.regions ?? replicaRegions(loaded);
  // One pacer per vault for secrets and certificates alike: they share Key Vault's budget, of
  // which this process gets the slices of the services (and regions) it runs.
  const pacers = vaultPacers(loaded, adapters, {
    discovery: options.services.includes('discovery'),
    workers: (['replicator', 'certificate-converter'] as const)
      .filter((service) => options.services.includes(service))
      .flatMap((service) => regions.map((region) => ({ service, region }))),
  });
  const uriFor = vaultUriFor(loaded);
  let directory: Promise<VaultDirectory> | undefined;
  return {
    bus: adapters.bus,
    credentialFor: adapters.credentialFor,
    secrets: adapters.secrets,
    logger: adapters.logger ?? silentLogger,
    regions,
    stores: secretStores(loaded, adapters, pacers),
    certificateStores: certificateStores(loaded, adapters, pacers),
    uriFor,
    directory() {
      directory ??= import('./arm-directory').then(({ armDirectory }) =>
        armDirectory(loaded, adapters),
      );
      return directory;
    },
    close: async () => {},
  };
}

/**
 * Opens what the configuration names for a process running `services`: credentials (or the
 * emulator's, `azure.emulator`), the `bus.transport`, and the stores over them. Secret
 * references are read from `env` and files.
 */
export async function openRuntime(
  loaded: LoadedConfig,
  options: RuntimeOptions & {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly logger?: Logger;
  },
): Promise<Runtime> {
  const secrets = fileSecretSource(options.env);
  const azure = await azureAdapters(loaded.config, secrets);
  // Regions named beyond the configured ones get their Service Bus subscriptions declared too.
  const bus = await openBus(loaded, secrets, azure.credentialFor, options.regions ?? []);
  const runtime = runtimeOver(
    loaded,
    { ...azure, bus, secrets, ...(options.logger ? { logger: options.logger } : {}) },
    options,
  );
  let closing: Promise<void> | undefined;
  return { ...runtime, close: () => (closing ??= bus.close()) };
}
