import { isReplicatorError, loadConfigFile, ConfigError } from '@akv-replicator/core';
import { createPinoLogger, startTelemetry, type LogLevel } from '@akv-replicator/telemetry';
import type { CliIo } from '../io';
import { azureAdapters, fileSecretSource, openBus } from '@akv-replicator/runtime';
import { SERVICE_NAMES, type ServiceName } from '../stack/service-names';
import { startServices } from '../stack/start-services';

/**
 * `up --config FILE`: the chosen services (default all) against real Azure (or an emulator
 * named in the config) over the configured bus; one process or one per service.
 */
export async function upConfigCommand(
  file: string,
  options: { services?: string; region?: string[]; logLevel?: string },
  io: CliIo,
): Promise<number> {
  const services = (options.services ?? SERVICE_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = services.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    io.err(`up: unknown service(s) ${unknown.join(', ')}; choose from ${SERVICE_NAMES.join(', ')}`);
    return 2;
  }
  try {
    const loaded = await loadConfigFile(file, { env: io.env });
    if (loaded.config.bus.transport === 'memory' && services.length < SERVICE_NAMES.length) {
      io.err(
        'up: the memory bus connects services of one process only; run every service here or configure bus.transport nats',
      );
      return 2;
    }
    const serviceName = services.length === 1 ? `akv-replicator-${services[0]}` : 'akv-replicator';
    // JSON lines on stdout (what log collectors read), with trace ids and redaction.
    const logger = createPinoLogger({
      level: (options.logLevel ?? loaded.config.telemetry.logLevel) as LogLevel,
      service: serviceName,
      destination: io.out,
    });
    // Before any client exists: the Azure SDK and HTTP instrumentation hook modules as they load.
    const telemetry = await startTelemetry({
      serviceName,
      config: loaded.config.telemetry,
      logger,
    });
    const secrets = fileSecretSource(io.env);
    const azure = await azureAdapters(loaded.config, secrets);
    const bus = await openBus(loaded, secrets, azure.credentialFor, options.region ?? []);
    const stack = await startServices(
      loaded,
      {
        services: services as ServiceName[],
        ...(options.region?.length ? { regions: options.region } : {}),
      },
      { bus, ...azure, secrets, logger },
    );
    logger.info('akv-replicator up', {
      services: services.join(','),
      regions: stack.regions.join(','),
      transport: loaded.config.bus.transport,
      ingress: stack.ingressUrl,
    });
    await new Promise<void>((resolve) =>
      !io.signal || io.signal.aborted
        ? resolve()
        : io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    logger.info('stopping: draining in-flight work');
    await stack.stop();
    await bus.close();
    await telemetry.shutdown();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    if (isReplicatorError(error)) {
      io.err(`up: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
