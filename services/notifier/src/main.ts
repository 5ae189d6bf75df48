import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from '@akv-replicator/core';
import type { Runtime } from '@akv-replicator/runtime';
import { runService, serviceProcessIo } from '@akv-replicator/runtime/run-service';
import type { NotifierApp } from './app';

/** The notifier over an opened runtime: outcomes from its bus, channel secrets from its references. */
export async function notifierFromRuntime(
  loaded: LoadedConfig,
  runtime: Runtime,
): Promise<NotifierApp> {
  const { createNotifierApp } = await import('./app');
  return createNotifierApp(loaded.config, {
    bus: runtime.bus,
    secretSource: runtime.secrets,
    logger: runtime.logger.child({ service: 'notifier' }),
  });
}

/**
 * Runs the notifier as a process of its own (`node --import tsx services/notifier/src/main.ts --config
 * FILE`): stops on SIGINT or SIGTERM after draining, exit code 0. The only file of the service
 * that touches `process`.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  return runService(
    'notifier',
    (loaded, runtime) => notifierFromRuntime(loaded, runtime),
    serviceProcessIo(process, argv, env),
  );
}

// Executed directly; the CLI only imports `notifierFromRuntime`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
