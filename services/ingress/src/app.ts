import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import type { FastifyInstance } from 'fastify';
import {
  resolveSecretRef,
  silentLogger,
  type Config,
  type Logger,
  type SecretSource,
  type ServiceApp,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { createIngressHttp } from './http/ingress-from-config';
import { createIngressInputs } from './inputs/create-inputs';
import type { IngressInput } from './inputs/ingress-input';
import { createEventIntake } from './intake/event-intake';

/** What the ingress is handed by whoever starts it (the CLI opens each of these once). */
export interface IngressDeps {
  readonly bus: Publisher;
  /** Resolves `ingress.auth.*` and the inputs' connection strings (secret references). */
  readonly secrets: SecretSource;
  /** Entra credentials of the pulled inputs (Event Hubs, Service Bus queues) by tenant key. */
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  readonly logger?: Logger;
  /** Listen address instead of `ingress.host` / `ingress.port`; port 0 picks a free one. */
  readonly listen?: { readonly host: string; readonly port: number };
}

/** The service, plus where it listens once started. */
export interface IngressApp extends ServiceApp {
  /** `http://host:port` of the webhook and `POST /resync`; undefined until `start` resolves. */
  readonly url: string | undefined;
}

/**
 * Composition root of the ingress: the HTTP server (Event Grid webhook, `POST /resync`, health)
 * and the pulled inputs `ingress.inputs` configures, all taking one path onto the bus. `start`
 * fails with the key path when a secret reference does not resolve, and refuses a resync
 * endpoint open off loopback or sharing the webhook secret (UnsafeResyncConfigError).
 */
export function createIngressApp(config: Config, deps: IngressDeps): IngressApp {
  const log = (deps.logger ?? silentLogger).child({ service: 'ingress' });
  const listen = deps.listen ?? { host: config.ingress.host, port: config.ingress.port };
  let server: FastifyInstance | undefined;
  const inputs: IngressInput[] = [];
  let url: string | undefined;
  let stopping: Promise<void> | undefined;

  const stopAll = async () => {
    // Pulled inputs first (they finish their batch onto the bus), then the server.
    for (const input of inputs.splice(0).reverse()) await input.stop();
    await server?.close();
  };

  return {
    get url() {
      return url;
    },
    async start() {
      try {
        server = createIngressHttp(config.ingress, {
          publisher: deps.bus,
          secrets: await resolveAuthSecrets(config, deps.secrets),
          host: listen.host,
          logger: log,
        });
        await server.listen(listen);
        const address = server.server.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        url = `http://${host}:${address.port}`;
        log.info('ingress listening', { url });
        const created = await createIngressInputs(config.ingress.inputs, {
          intake: createEventIntake({ publisher: deps.bus, logger: log }),
          credentialFor: deps.credentialFor,
          secrets: deps.secrets,
          logger: log,
        });
        for (const input of created) {
          await input.start();
          inputs.push(input);
        }
      } catch (error) {
        await stopAll().catch(() => {});
        throw error;
      }
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

/** `ingress.auth.sharedSecret` and `resyncToken`, resolved from their references. */
async function resolveAuthSecrets(config: Config, secrets: SecretSource) {
  const { auth } = config.ingress;
  const sharedSecret = auth.sharedSecret
    ? await resolveSecretRef(auth.sharedSecret, 'ingress.auth.sharedSecret', secrets)
    : undefined;
  const resyncToken = auth.resyncToken
    ? await resolveSecretRef(auth.resyncToken, 'ingress.auth.resyncToken', secrets)
    : undefined;
  return {
    ...(sharedSecret !== undefined ? { sharedSecret } : {}),
    ...(resyncToken !== undefined ? { resyncToken } : {}),
  };
}
