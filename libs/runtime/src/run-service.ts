import { parseArgs } from 'node:util';
import {
  ConfigError,
  isReplicatorError,
  loadConfigFile,
  type LoadedConfig,
  type ServiceApp,
} from '@akv-replicator/core';
import {
  createPinoLogger,
  startTelemetry,
  type LogLevel,
  type Telemetry,
} from '@akv-replicator/telemetry';
import type { Runtime } from './runtime';
import type { ServiceName } from './service-names';

/** What a service's `main.ts` hands over from `process`; nothing here touches it. */
export interface ServiceProcessIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: the service drains and the process exits 0. */
  readonly signal: AbortSignal;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * The process a service's `main.ts` hands over (argv, env, stdout, stderr and SIGINT/SIGTERM as
 * the abort signal): one shell for the five services instead of five copies of it. Only
 * `main.ts` passes `process` here, so it stays the one file of a service that reaches it.
 */
export function serviceProcessIo(
  proc: Pick<NodeJS.Process, 'argv' | 'env' | 'once' | 'stdout' | 'stderr'>,
  argv: readonly string[] = proc.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = proc.env,
): ServiceProcessIo {
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) proc.once(signal, () => stop.abort());
  return {
    argv,
    env,
    signal: stop.signal,
    out: (line) => proc.stdout.write(`${line}\n`),
    err: (line) => proc.stderr.write(`${line}\n`),
  };
}

/**
 * One service as a process of its own: `--config FILE` (and `--log-level`), the configuration
 * loaded, telemetry started, a runtime opened for this service only, the app started and, once
 * `io.signal` aborts, stopped and everything closed. Resolves to the exit code: 0 after a clean
 * stop, 1 for an invalid configuration or a failed start, 2 for wrong arguments.
 */
export async function runService(
  service: ServiceName,
  appFromRuntime: (loaded: LoadedConfig, runtime: Runtime) => Promise<ServiceApp>,
  io: ServiceProcessIo,
): Promise<number> {
  let values: { config?: string; 'log-level'?: string };
  try {
    ({ values } = parseArgs({
      args: [...io.argv],
      options: { config: { type: 'string' }, 'log-level': { type: 'string' } },
    }));
  } catch (error) {
    io.err(`${service}: ${(error as Error).message}`);
    return 2;
  }
  if (!values.config) {
    io.err(`${service}: give --config FILE (the configuration, YAML)`);
    return 2;
  }
  let runtime: Runtime | undefined;
  let telemetry: Telemetry | undefined;
  try {
    const loaded = await loadConfigFile(values.config, { env: io.env });
    const serviceName = `akv-replicator-${service}`;
    // JSON lines on stdout (what log collectors read), with trace ids and redaction.
    const logger = createPinoLogger({
      level: (values['log-level'] ?? loaded.config.telemetry.logLevel) as LogLevel,
      service: serviceName,
      destination: io.out,
    });
    // Before any client exists: the Azure SDK and HTTP instrumentation hook modules as they
    // load, so the runtime (and with it every SDK) is imported only now.
    telemetry = await startTelemetry({
      serviceName,
      config: loaded.config.telemetry,
      logger,
    });
    const { openRuntime } = await import('./runtime');
    runtime = await openRuntime(loaded, { services: [service], env: io.env, logger });
    const app = await appFromRuntime(loaded, runtime);
    await app.start();
    logger.info(`${service} started`, { transport: loaded.config.bus.transport });
    await new Promise<void>((resolve) =>
      io.signal.aborted
        ? resolve()
        : io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    logger.info('stopping: draining in-flight work');
    await app.stop();
    await runtime.close();
    await telemetry.shutdown();
    return 0;
  } catch (error) {
    await runtime?.close().catch(() => {});
    await telemetry?.shutdown().catch(() => {});
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    if (isReplicatorError(error)) {
      io.err(`${service}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
