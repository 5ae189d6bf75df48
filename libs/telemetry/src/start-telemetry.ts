import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { instruments, silentLogger, type Logger, type TelemetryConfig } from '@akv-replicator/core';

export interface TelemetryOptions {
  /** `service.name` unless OTEL_SERVICE_NAME says otherwise. */
  readonly serviceName: string;
  readonly config: Pick<TelemetryConfig, 'tracing' | 'metricsPort'>;
  readonly logger?: Logger;
  /** Where the scrape endpoint listens. Default 0.0.0.0 (a container's port). */
  readonly metricsHost?: string;
  /**
   * When `metricsPort` is in use, listen on a free port instead of going without metrics (the
   * local demo on a developer's machine; `metricsUrl` says which). Default false: a deployed
   * service's port is what its scrape configuration names, so another one would only hide it.
   */
  readonly freePortWhenTaken?: boolean;
}

export interface Telemetry {
  /** True when spans are recorded and exported (an SDK with a trace exporter started). */
  readonly tracing: boolean;
  /** `http://host:port/metrics`, or undefined when metrics are off. */
  readonly metricsUrl: string | undefined;
  /** Exports buffered spans now. */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporters and the scrape endpoint. Idempotent; never throws. */
  shutdown(): Promise<void>;
}

/**
 * Starts telemetry for one process (OpenTelemetry's state is global per process).
 * - Metrics: an SDK MeterProvider read by a Prometheus exporter on `metricsPort` (0 = a free port), path /metrics.
 * - Traces, only when `config.tracing` is on and OTEL_TRACES_EXPORTER is not `none`: the Node
 *   SDK with OTLP export configured by the standard OTEL_* variables, HTTP server spans and
 *   the Azure SDK's spans (client methods and their HTTP requests, via @azure/core-tracing).
 *   Off, nothing is started and the API's no-op tracer costs nothing.
 * OTEL_SDK_DISABLED=true turns both off.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  // The SDK's exporters read the OTEL_* variables from the process themselves; so do we.
  const env = process.env;
  const log = options.logger ?? silentLogger;
  if (isTrue(env.OTEL_SDK_DISABLED)) return disabled();
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || options.serviceName;
  const resource = resourceFromAttributes({ 'service.name': serviceName });

  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    resource,
    readers: [exporter],
    // The HTTP instrumentation's own metrics label series by the client's Host header: anyone
    // reaching the public webhook could mint series. Ours (akvr_*) answer the questions instead.
    views: [
      {
        meterName: '@opentelemetry/instrumentation-http',
        aggregation: { type: AggregationType.DROP },
      },
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  // Made now, so observed instruments (the backlog gauge) report before anything is counted.
  instruments();
  const host = options.metricsHost ?? '0.0.0.0';
  // Telemetry never stops replication: a port in use costs the scrape endpoint, loudly, not the service.
  const port = options.config.metricsPort;
  const server = await listen(exporter, host, port)
    .catch((error: unknown) => {
      if (!options.freePortWhenTaken || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw error;
      log.info('metrics port in use; serving metrics on a free port', { host, port });
      return listen(exporter, host, 0);
    })
    .catch((error: unknown) => {
      log.error('metrics endpoint not started', {
        host,
        port,
        error: (error as Error).message,
      });
      return undefined;
    });
  const metricsUrl = server ? urlOf(server) : undefined;

  const tracesOff = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes('none');
  const sdk = options.config.tracing && !tracesOff ? await startTracing(serviceName) : undefined;
  log.info('telemetry started', {
    metrics: metricsUrl,
    tracing: sdk !== undefined,
    // Not `service`: that is the logger's own key (the process), this is OpenTelemetry's name.
    serviceName,
  });

  let stopping: Promise<void> | undefined;
  return {
    tracing: sdk !== undefined,
    metricsUrl,
    async forceFlush() {
      await sdk?.forceFlush().catch(() => {});
    },
    shutdown() {
      stopping ??= (async () => {
        await sdk
          ?.shutdown()
          .catch((error: unknown) =>
            log.warn('trace export shutdown failed', { error: (error as Error).message }),
          );
        metrics.disable();
        await meterProvider.shutdown().catch(() => {});
        server?.closeAllConnections();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      })();
      return stopping;
    },
  };
}

interface TracingSdk {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

// Loaded only when tracing is on: a process without tracing never loads the SDK.
async function startTracing(serviceName: string): Promise<TracingSdk> {
  const [{ NodeSDK }, { HttpInstrumentation }, { createAzureSdkInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@azure/opentelemetry-instrumentation-azure-sdk'),
    ]);
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation({
        // The Azure SDK traces its own requests (with Key Vault details); instrumenting
        // outgoing HTTP as well would double every Key Vault call.
        disableOutgoingRequestInstrumentation: true,
        // Event Grid authenticates with `?code=<shared secret>`: no query value reaches a span.
        applyCustomAttributesOnSpan: (span) => {
          const attributes = (span as unknown as { attributes?: Record<string, unknown> })
            .attributes;
          for (const key of URL_ATTRIBUTES) {
            const value = attributes?.[key];
            if (typeof value === 'string')
              // url.query (stable HTTP conventions) is the query alone, without its "?".
              span.setAttribute(
                key,
                key === 'url.query' ? redactQuery(`?${value}`).slice(1) : redactQuery(value),
              );
          }
        },
        ignoreIncomingRequestHook: (request) =>
          /^\/(metrics|healthz|readyz)\b/.test(request.url ?? ''),
      }),
      createAzureSdkInstrumentation(),
    ],
    // Metrics go through our Prometheus reader; logs are pino lines on stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // The instrumentation hooks @azure/core-tracing when it is require()d; under ESM it may
  // already be loaded, so require it once now (its state is shared by its ESM and CJS builds).
  createRequire(import.meta.url)('@azure/core-tracing');
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as {
    forceFlush?: () => Promise<void>;
  };
  return {
    forceFlush: () => provider.forceFlush?.() ?? Promise.resolve(),
    async shutdown() {
      await sdk.shutdown();
      // Unregister, so the process runs on the no-op API again (and may start anew).
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

// The stable HTTP conventions, the only ones instrumentation-http 0.223 writes.
const URL_ATTRIBUTES = ['url.full', 'url.query'] as const;

/** Keeps query parameter names (and api-version) but never their values. */
export function redactQuery(url: string): string {
  return url.replace(
    /([?&])([^=&#]+)=([^&#]*)/g,
    (_m, sep: string, name: string, value: string) =>
      `${sep}${name}=${/^api(-|%2D)version$/i.test(name) ? value : 'REDACTED'}`,
  );
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  // Listening on every interface: name one a scraper on this host can reach.
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address === '::' ? '::1' : address.address}]`
        : address.address;
  return `http://${host}:${address.port}/metrics`;
}

function listen(exporter: PrometheusExporter, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics')
      return exporter.getMetricsRequestHandler(request, response);
    response.statusCode = 404;
    response.end('not found: scrape /metrics\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      server.unref();
      resolve(server);
    });
  });
}

function disabled(): Telemetry {
  return {
    tracing: false,
    metricsUrl: undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
