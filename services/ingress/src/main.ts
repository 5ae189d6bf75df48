import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from '@akv-replicator/core';
import type { Runtime } from '@akv-replicator/runtime';
import { runService, serviceProcessIo } from '@akv-replicator/runtime/run-service';
import type { IngressApp } from './app';

/** What the caller chooses beyond the runtime. */
export interface IngressRunOptions {
  /** Listen address instead of `ingress.host`/`ingress.port`; port 0 picks a free one. */
  readonly listen?: { readonly host: string; readonly port: number };
}

/** The ingress over an opened runtime: it publishes on the runtime's bus with its credentials. */
export async function ingressFromRuntime(
  loaded: LoadedConfig,
  runtime: Runtime,
  options: IngressRunOptions = {},
): Promise<IngressApp> {
  const { createIngressApp } = await import('./app');
  return createIngressApp(loaded.config, {
    bus: runtime.bus,
    secrets: runtime.secrets,
    credentialFor: runtime.credentialFor,
    logger: runtime.logger,
    ...(options.listen ? { listen: options.listen } : {}),
  });
}

/**
 * Runs the ingress as a process of its own (`node --import tsx services/ingress/src/main.ts --config
 * FILE`): stops on SIGINT or SIGTERM after draining, exit code 0. The only file of the service
 * that touches `process`.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  return runService(
    'ingress',
    (loaded, runtime) => ingressFromRuntime(loaded, runtime),
    serviceProcessIo(process, argv, env),
  );
}

// Executed directly; the CLI only imports `ingressFromRuntime`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
