import { loadConfigFile, processSecretSource } from '@akv-replicator/core';
import { createApp } from './app';
import { createPinoLogger, startTelemetry } from '@akv-replicator/telemetry';

// The only file that touches `process`: arguments, environment, signals, output, exit code.
const DEFAULT_CONFIG_PATH = '/etc/akv-replicator/config.yaml';

const logger = createPinoLogger({
  level: 'info',
  service: 'notifier',
  destination: (line) => process.stdout.write(`${line}\n`),
});
const configPath = process.argv[2] ?? process.env.AKV_REPLICATOR_CONFIG ?? DEFAULT_CONFIG_PATH;

try {
  const { config } = await loadConfigFile(configPath, { env: process.env });
  const telemetry = await startTelemetry({
    serviceName: 'akv-replicator-notifier',
    config: config.telemetry,
    logger,
  });
  const telegramApiBaseUrl = process.env.AKV_NOTIFIER_TELEGRAM_API_BASE_URL;
  const app = createApp(config, {
    secretSource: processSecretSource(process.env),
    logger,
    ...(telegramApiBaseUrl ? { telegramApiBaseUrl } : {}),
  });
  await app.start();
  // Digest timers are unref'd and a bus may hold no socket: keep the process up until a signal.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    clearInterval(keepAlive);
    app
      .stop()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('stop failed', {
            error: error instanceof Error ? error.message : String(error),
          });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  // ConfigError and SecretRefUnresolved name key paths and variables, never values.
  logger.error('notifier failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exitCode = 1;
}
