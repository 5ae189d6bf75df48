import { pathToFileURL } from 'node:url';
import type { LoadedConfig, ServiceApp } from '@akv-replicator/core';
import type { Runtime } from '@akv-replicator/runtime';
import { runService, serviceProcessIo } from '@akv-replicator/runtime/run-service';

/** What the caller chooses beyond the runtime (tests shorten the retry delays). */
export interface ReplicatorRunOptions {
  /** Delays before retrying a failed task, by delivery; default 1 s doubling to 30 s. */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * The replicator over an opened runtime: secret tasks of the runtime's regions, converged
 * through its paced secret stores. The app (and the SDKs under it) loads on first use.
 */
export async function replicatorFromRuntime(
  loaded: LoadedConfig,
  runtime: Runtime,
  options: ReplicatorRunOptions = {},
): Promise<ServiceApp> {
  const { createReplicatorApp } = await import('./app');
  return createReplicatorApp(loaded.config, {
    bus: runtime.bus,
    stores: runtime.stores,
    logger: runtime.logger,
    regions: runtime.regions,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });
}

/**
 * Runs the replicator as a process of its own (`node --import tsx services/replicator/src/main.ts --config
 * FILE`): stops on SIGINT or SIGTERM after draining, exit code 0. The only file of the service
 * that touches `process`.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  return runService(
    'replicator',
    (loaded, runtime) => replicatorFromRuntime(loaded, runtime),
    serviceProcessIo(process, argv, env),
  );
}

// Executed directly; the CLI only imports `replicatorFromRuntime`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
