/**
 * Runs the broker on its own, like the official emulator container: for local development and
 * manual poking with any Service Bus client.
 *
 *   node --import tsx test/servicebus-broker/src/main.ts [--config Config.json] [--port 5672]
 *
 * Prints the connection string; SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import { startServiceBusBroker } from './index';

const DEFAULT_PORT = 5672;

const { values } = parseArgs({
  options: { config: { type: 'string' }, port: { type: 'string', default: String(DEFAULT_PORT) } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535 (got ${values.port})`);
  process.exit(2);
}
try {
  const broker = await startServiceBusBroker({
    port,
    ...(values.config ? { config: values.config } : {}),
  });
  console.log(broker.connectionString);
  const stop = (): void => {
    void broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
