/**
 * An AMQP 1.0 test broker that speaks what `@azure/event-hubs` 6.x speaks to a development
 * emulator (`UseDevelopmentEmulator=true`: plain AMQP, no TLS, any port).
 */
import { AmqpServer } from './amqp-server';
import { EventHubs, type HubOptions } from './hubs';
import type { StoredEvent } from './partition-log';
import type { BrokerTls, TokenCheck } from '@akv-replicator/servicebus-broker/amqp';

export type { HubOptions } from './hubs';
export { BrokerConfigError, DEFAULT_CONSUMER_GROUP, fnv1a } from './hubs';
export type { Retention, StoredEvent } from './partition-log';
export { eventBody } from './body';
export { FilterSyntaxError, parseSelector, type StartPosition } from './filter';
export type { BrokerTls, TokenCheck } from '@akv-replicator/servicebus-broker/amqp';

/** The key name and key of the official emulator's documented connection string. */
export const EMULATOR_SAS_KEY_NAME = 'RootManageSharedAccessKey';
export const EMULATOR_SAS_KEY = 'SAS_KEY_VALUE';

export interface EventHubsBrokerOptions {
  readonly hubs: readonly HubOptions[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /**
   * Serve AMQPS with this key and certificate. The SDK speaks plain AMQP to emulator connection
   * strings only; credential-based clients always use TLS and must trust the certificate.
   */
  readonly tls?: BrokerTls;
  /** Accepts or refuses CBS tokens (default: accept all) — lets tests exercise auth failures. */
  readonly acceptToken?: TokenCheck;
}

export interface EventHubsBroker {
  readonly port: number;
  /** `localhost:PORT`, the "fully qualified namespace" for credential-based clients (TLS only). */
  readonly fullyQualifiedNamespace: string;
  /**
   * `Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=<hub>;
   * UseDevelopmentEmulator=true` (without the emulator flag when serving TLS); without a hub, the
   * namespace-level string (pass the hub name to the client separately).
   */
  connectionString(hubName?: string): string;
  /** Retained events of one partition, oldest first, as stored (for assertions). */
  events(hubName: string, partitionId: string): StoredEvent[];
  /** Closes connections politely and stops listening; events are discarded. */
  stop(): Promise<void>;
  /** Drops every connection abruptly and stops listening; events are kept for `restart()`. */
  kill(): Promise<void>;
  /** Kills, then listens again on the same port with the same events (a broker restart). */
  restart(): Promise<void>;
}

// Clients over TLS send the host they dial as the TLS server name (SNI). RFC 6066 permits no IP
// address there (Node warns, DEP0123), so TLS clients reach the broker by name: localhost.
const TLS_HOST = 'localhost';

export function connectionStringFor(port: number, hubName?: string, tls = false): string {
  return (
    `Endpoint=sb://${tls ? TLS_HOST : '127.0.0.1'}:${port};SharedAccessKeyName=${EMULATOR_SAS_KEY_NAME};` +
    `SharedAccessKey=${EMULATOR_SAS_KEY}` +
    (hubName === undefined ? '' : `;EntityPath=${hubName}`) +
    (tls ? '' : ';UseDevelopmentEmulator=true')
  );
}

/** Starts a broker; stop it (or kill it) in the test's teardown so the runner can exit. */
export async function startEventHubsBroker(
  options: EventHubsBrokerOptions,
): Promise<EventHubsBroker> {
  const hubs = new EventHubs(options.hubs);
  const acceptToken = options.acceptToken ?? (() => true);
  let server = new AmqpServer(hubs, acceptToken);
  const port = await server.listen(options.port ?? 0, options.tls);
  const tls = options.tls !== undefined;
  let stopped = false;
  return {
    port,
    fullyQualifiedNamespace: `${TLS_HOST}:${port}`,
    connectionString(hubName) {
      if (hubName !== undefined && !hubs.hub(hubName))
        throw new Error(`the broker has no event hub "${hubName}"`);
      return connectionStringFor(port, hubName, tls);
    },
    events(hubName, partitionId) {
      const partition = hubs.hub(hubName)?.partition(partitionId);
      if (!partition) throw new Error(`the broker has no partition "${hubName}/${partitionId}"`);
      return partition.retained();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
    },
    async kill() {
      await server.kill();
    },
    async restart() {
      await server.kill();
      server = new AmqpServer(hubs, acceptToken);
      await server.listen(port, options.tls);
    },
  };
}
