import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from '@akv-replicator/core';
import type { Runtime } from '@akv-replicator/runtime';
import { runService, serviceProcessIo } from '@akv-replicator/runtime/run-service';
import type { DiscoveryApp } from './app';

/**
 * Discovery over an opened runtime: the configured topology, the runtime's stores for listings,
 * and ARM (loaded here: discovery is the only service that talks to ARM).
 */
export async function discoveryFromRuntime(
  loaded: LoadedConfig,
  runtime: Runtime,
): Promise<DiscoveryApp> {
  const { createDiscoveryApp } = await import('./app');
  return createDiscoveryApp(loaded.config, {
    topology: loaded.topology,
    bus: runtime.bus,
    stores: runtime.stores,
    certificateStores: runtime.certificateStores,
    directory: await runtime.directory(),
    uriFor: runtime.uriFor,
    secrets: runtime.secrets,
    logger: runtime.logger,
    // discovery.leaderElection kind azure-blob reads its container with the tenant's credential.
    election: { credentialFor: runtime.credentialFor },
  });
}

/**
 * Runs the discovery as a process of its own (`node --import tsx services/discovery/src/main.ts --config
 * FILE`): stops on SIGINT or SIGTERM after draining, exit code 0. The only file of the service
 * that touches `process`.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  return runService(
    'discovery',
    (loaded, runtime) => discoveryFromRuntime(loaded, runtime),
    serviceProcessIo(process, argv, env),
  );
}

// Executed directly; the CLI only imports `discoveryFromRuntime`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
