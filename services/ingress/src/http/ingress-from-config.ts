import type { FastifyInstance } from 'fastify';
import { silentLogger, type IngressConfig, type Logger } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import {
  createDeliveryAuthenticator,
  entraFromJwksUri,
  type EntraSettings,
} from '../auth/delivery-auth';
import { createRefusalReporter, type Refusal } from '../auth/refusal-reporter';
import { createResyncAuthenticator } from '../auth/resync-auth';
import { createIngressServer } from './ingress-server';

export interface IngressHttpDeps {
  readonly publisher: Publisher;
  /** `ingress.auth.sharedSecret` and `resyncToken`, resolved from their references. */
  readonly secrets: { readonly sharedSecret?: string; readonly resyncToken?: string };
  /** The host actually listened on (a caller may override `ingress.host`). */
  readonly host?: string;
  readonly ready?: () => boolean;
  readonly logger?: Logger;
  /** Signing keys for `ingress.auth.entra`; default: fetched from its `jwksUri`. */
  readonly entraKeys?: EntraSettings['keys'];
  /** Clock of the refusal reports, ms; default Date.now. */
  readonly now?: () => number;
  /** Refusal counter; default `akvr_ingress_refused_total`. */
  readonly countRefusal?: (refusal: Refusal) => void;
}

/**
 * The ingress HTTP server as `ingress` configures it: delivery and resync authentication (the
 * latter refused at start when it would be open off loopback or share the webhook secret —
 * throws UnsafeResyncConfigError), limits, timeouts and refusal reporting.
 */
export function createIngressHttp(config: IngressConfig, deps: IngressHttpDeps): FastifyInstance {
  const log = deps.logger ?? silentLogger;
  const { auth } = config;
  const entra = auth.entra
    ? deps.entraKeys
      ? { issuer: auth.entra.issuer, audience: auth.entra.audience, keys: deps.entraKeys }
      : entraFromJwksUri(auth.entra)
    : undefined;
  const deliveryAuth = createDeliveryAuthenticator({
    ...(deps.secrets.sharedSecret !== undefined ? { sharedSecret: deps.secrets.sharedSecret } : {}),
    ...(entra ? { entra } : {}),
  });
  const resyncAuth = createResyncAuthenticator({
    resyncToken: deps.secrets.resyncToken,
    webhookSecret: deps.secrets.sharedSecret,
    allowUnauthenticated: auth.allowUnauthenticatedResync,
    host: deps.host ?? config.host,
  });
  if (config.inputs.webhook.enabled && !deliveryAuth.enabled)
    log.warn(
      'ingress accepts unauthenticated Event Grid deliveries: set ingress.auth.sharedSecret or ingress.auth.entra',
    );
  return createIngressServer({
    publisher: deps.publisher,
    deliveryAuth,
    resyncAuth,
    maxBodyBytes: config.maxBodyBytes,
    maxConnections: config.maxConnections,
    headersTimeoutMs: config.headersTimeoutSeconds * 1000,
    bodyTimeoutMs: config.bodyTimeoutSeconds * 1000,
    refusals: createRefusalReporter({
      publisher: deps.publisher,
      intervalMs: config.refusalReportIntervalSeconds * 1000,
      logger: log,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.countRefusal ? { count: deps.countRefusal } : {}),
    }),
    webhook: config.inputs.webhook.enabled,
    ...(deps.ready ? { ready: deps.ready } : {}),
    logger: log,
  });
}
