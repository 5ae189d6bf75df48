import type { LoadedConfig, ServiceApp } from '@akv-replicator/core';
import { runtimeOver, type RuntimeAdapters, type ServiceName } from '@akv-replicator/runtime';

/** The adapters a stack runs over (the caller opened them and closes them). */
export type StackAdapters = RuntimeAdapters;

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
 * still only talk through the bus; running them together changes nothing but deployment. Each
 * service maps the runtime to its app itself (its `main.ts`, `…FromRuntime`).
 */
export async function startServices(
  loaded: LoadedConfig,
  options: StackOptions,
  adapters: StackAdapters,
): Promise<RunningStack> {
  // One runtime for the process: one pacer per vault, sized by the services it runs.
  const runtime = runtimeOver(loaded, adapters, {
    services: options.services,
    ...(options.regions ? { regions: options.regions } : {}),
  });
  const retry = options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {};
  const stops: (() => Promise<void>)[] = [];
  const start = async (app: ServiceApp) => {
    await app.start();
    stops.push(() => app.stop());
  };
  let ingressUrl: string | undefined;
  let statusUrl: string | undefined;

  try {
    // Each service is loaded only when this process runs it: a replicator-only process never
    // loads the HTTP server, JWT or SMTP libraries.
    if (options.services.includes('notifier')) {
      const { notifierFromRuntime } = await import('@akv-replicator/notifier/main');
      await start(await notifierFromRuntime(loaded, runtime));
    }
    if (options.services.includes('replicator')) {
      const { replicatorFromRuntime } = await import('@akv-replicator/replicator/main');
      await start(await replicatorFromRuntime(loaded, runtime, retry));
    }
    if (options.services.includes('certificate-converter')) {
      const { certificateConverterFromRuntime } =
        await import('@akv-replicator/certificate-converter/main');
      await start(await certificateConverterFromRuntime(loaded, runtime, retry));
    }
    if (options.services.includes('discovery')) {
      const { discoveryFromRuntime } = await import('@akv-replicator/discovery/main');
      const discovery = await discoveryFromRuntime(loaded, runtime);
      await start(discovery);
      statusUrl = discovery.statusUrl;
    }
    if (options.services.includes('ingress')) {
      const { ingressFromRuntime } = await import('@akv-replicator/ingress/main');
      const ingress = await ingressFromRuntime(
        loaded,
        runtime,
        options.ingress ? { listen: options.ingress } : {},
      );
      await start(ingress);
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
    regions: runtime.regions,
    stop() {
      // Entry points first (ingress), then discovery, then workers drain their backlog.
      stopping ??= (async () => {
        for (const stop of stops.reverse()) await stop();
      })();
      return stopping;
    },
  };
}
