/**
 * Runs the broker on its own, like the official emulator container: for local development and
 * manual poking with any Event Hubs client.
 *
 *   node --import tsx test/eventhubs-broker/src/main.ts [--hub name:partitions[:group,group]]… [--port 5672]
 *
 * Prints one connection string per hub; SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import { startEventHubsBroker, type HubOptions } from './index';

const DEFAULT_PORT = 5672;

const { values } = parseArgs({
  options: {
    hub: { type: 'string', multiple: true, default: ['eh1:2'] },
    port: { type: 'string', default: String(DEFAULT_PORT) },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535 (got ${values.port})`);
  process.exit(2);
}

function parseHub(spec: string): HubOptions {
  const [name = '', partitions = '', groups] = spec.split(':');
  return {
    name,
    partitionCount: Number(partitions),
    ...(groups ? { consumerGroups: groups.split(',') } : {}),
  };
}

try {
  const hubs = values.hub.map(parseHub);
  const broker = await startEventHubsBroker({ hubs, port });
  for (const hub of hubs) console.log(broker.connectionString(hub.name));
  const stop = (): void => {
    void broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
