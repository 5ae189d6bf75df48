/**
 * An AMQP 1.0 test broker that speaks what `@azure/service-bus` 7.x speaks to a development
 * emulator (`UseDevelopmentEmulator=true`: plain AMQP, no TLS, any port), configured from the
 * same Config.json as Microsoft's Service Bus emulator.
 */
import { readFile } from 'node:fs/promises';
import { AmqpServer, type BrokerTls, type TokenCheck } from './amqp-server';
import {
  emptyConfig,
  type EmulatorConfig,
  type EmulatorEntityProperties,
  type EmulatorRule,
} from './config';
import { BrokerNamespace } from './namespace';

export type { EmulatorConfig, EmulatorEntityProperties, EmulatorRule } from './config';
export { BrokerConfigError, parseIsoDuration } from './config';
export { compileSqlFilter, SqlFilterSyntaxError } from './sql-filter';
export type { BrokerTls, TokenCheck } from './amqp-server';

/** The SAS key the emulator's documented connection string uses; the broker accepts any token. */
export const EMULATOR_SAS_KEY_NAME = 'RootManageSharedAccessKey';
export const EMULATOR_SAS_KEY = 'SAS_KEY_VALUE';

export interface ServiceBusBrokerOptions {
  /** A Config.json document, or a path to one. Default: no entities. */
  config?: EmulatorConfig | string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * Serve AMQPS with this key and certificate instead of plain AMQP. The SDK only speaks plain
   * AMQP to emulator connection strings; clients built from a namespace and a TokenCredential
   * (Entra ID) always use TLS, and must trust the certificate (NODE_EXTRA_CA_CERTS).
   */
  tls?: BrokerTls;
  /** Accepts or refuses CBS tokens (default: accept all) — lets tests exercise auth failures. */
  acceptToken?: TokenCheck;
}

export interface ServiceBusBroker {
  /**
   * `Endpoint=sb://127.0.0.1:PORT;...;UseDevelopmentEmulator=true`, or without the emulator flag
   * when serving TLS.
   */
  readonly connectionString: string;
  /** `localhost:PORT`, the "fully qualified namespace" for credential-based clients (TLS only). */
  readonly fullyQualifiedNamespace: string;
  readonly port: number;
  /** Closes connections politely and stops listening; messages are discarded. */
  stop(): Promise<void>;
  /** Drops every connection abruptly and stops listening; messages are kept for `restart()`. */
  kill(): Promise<void>;
  /** Kills, then listens again on the same port with the same messages (a broker restart). */
  restart(): Promise<void>;
  /** Run-time topology changes, as ServiceBusAdministrationClient makes them on Azure. */
  readonly admin: BrokerAdmin;
}

/** Creates entities while the broker runs; properties and rules use the Config.json shape. */
export interface BrokerAdmin {
  /** Creates the topic unless it exists; resolves true when it was created. */
  ensureTopic(name: string, properties?: EmulatorEntityProperties): Promise<boolean>;
  /** Creates the subscription unless it exists (rules are not changed then). */
  ensureSubscription(
    topic: string,
    name: string,
    options?: { properties?: EmulatorEntityProperties; rules?: EmulatorRule[] },
  ): Promise<boolean>;
  listSubscriptions(topic: string): Promise<string[]>;
}

// Clients over TLS send the host they dial as the TLS server name (SNI). RFC 6066 permits no IP
// address there (Node warns, DEP0123), so TLS clients reach the broker by name: localhost.
const TLS_HOST = 'localhost';

export function connectionStringFor(port: number, tls = false): string {
  return (
    `Endpoint=sb://${tls ? TLS_HOST : '127.0.0.1'}:${port};SharedAccessKeyName=${EMULATOR_SAS_KEY_NAME};` +
    `SharedAccessKey=${EMULATOR_SAS_KEY}${tls ? '' : ';UseDevelopmentEmulator=true'}`
  );
}

async function loadConfig(config: EmulatorConfig | string | undefined): Promise<EmulatorConfig> {
  if (config === undefined) return emptyConfig();
  if (typeof config !== 'string') return config;
  return JSON.parse(await readFile(config, 'utf8')) as EmulatorConfig;
}

/** Starts a broker; stop it (or kill it) in the test's teardown so the runner can exit. */
export async function startServiceBusBroker(
  options: ServiceBusBrokerOptions = {},
): Promise<ServiceBusBroker> {
  const ns = new BrokerNamespace(await loadConfig(options.config));
  const acceptToken = options.acceptToken ?? (() => true);
  let server = new AmqpServer(ns, acceptToken);
  const port = await server.listen(options.port ?? 0, options.tls);
  let stopped = false;
  return {
    connectionString: connectionStringFor(port, options.tls !== undefined),
    fullyQualifiedNamespace: `${TLS_HOST}:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      ns.close();
    },
    async kill() {
      await server.kill();
    },
    admin: {
      ensureTopic: async (name, properties) => ns.ensureTopic(name, properties),
      ensureSubscription: async (topic, name, options = {}) =>
        ns.ensureSubscription(topic, name, options.properties, options.rules),
      listSubscriptions: async (topic) => ns.listSubscriptions(topic),
    },
    async restart() {
      await server.kill();
      server = new AmqpServer(ns, acceptToken);
      await server.listen(port, options.tls);
    },
  };
}
