import { pathToFileURL } from 'node:url';
import type { LoadedConfig, ServiceApp } from '@akv-replicator/core';
import type { Runtime } from '@akv-replicator/runtime';
import { runService, serviceProcessIo } from '@akv-replicator/runtime/run-service';

/** What the caller chooses beyond the runtime (tests shorten the retry delays). */
export interface CertificateConverterRunOptions {
  /** Delays before retrying a failed task, by delivery; default 1 s doubling to 30 s. */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * The certificate-converter over an opened runtime: certificate tasks of the runtime's regions,
 * through its paced certificate stores (which share each vault's pacer with the secret stores).
 */
export async function certificateConverterFromRuntime(
  loaded: LoadedConfig,
  runtime: Runtime,
  options: CertificateConverterRunOptions = {},
): Promise<ServiceApp> {
  const { createCertificateConverterApp } = await import('./app');
  return createCertificateConverterApp(loaded.config, {
    bus: runtime.bus,
    stores: runtime.certificateStores,
    logger: runtime.logger,
    regions: runtime.regions,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });
}

/**
 * Runs the certificate-converter as a process of its own (`node --import tsx services/certificate-converter/src/main.ts --config
 * FILE`): stops on SIGINT or SIGTERM after draining, exit code 0. The only file of the service
 * that touches `process`.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  return runService(
    'certificate-converter',
    (loaded, runtime) => certificateConverterFromRuntime(loaded, runtime),
    serviceProcessIo(process, argv, env),
  );
}

// Executed directly; the CLI only imports `certificateConverterFromRuntime`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
