import Fastify, { type FastifyInstance } from 'fastify';
import {
  DEFAULT_INGRESS_BODY_TIMEOUT_SECONDS,
  DEFAULT_INGRESS_HEADERS_TIMEOUT_SECONDS,
  DEFAULT_INGRESS_MAX_CONNECTIONS,
  silentLogger,
  type Logger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { RequestAuthenticator } from '../auth/delivery-auth';
import { createRefusalReporter, type RefusalReporter } from '../auth/refusal-reporter';
import { createEventIntake } from '../intake/event-intake';
import { createHealthHandlers } from '../handlers/health';
import { createResyncHandler } from '../handlers/resync';
import { createWebhookDeliveryHandlers } from '../handlers/webhook-delivery';
import { authGuard, principals } from './auth-guard';

export const EVENTGRID_PATH = '/eventgrid';
export const RESYNC_PATH = '/resync';

export interface IngressServerOptions {
  readonly publisher: Publisher;
  /** Event Grid deliveries (`/eventgrid`, both methods). */
  readonly deliveryAuth: RequestAuthenticator;
  /** `POST /resync`: its own credential (see createResyncAuthenticator). */
  readonly resyncAuth: RequestAuthenticator;
  readonly maxBodyBytes: number;
  /** Open connections held at once; more are dropped at accept. Default 256. */
  readonly maxConnections?: number;
  /** Headers must arrive within this, ms (408 otherwise). Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this, ms (408). Default 20 s. */
  readonly bodyTimeoutMs?: number;
  /** Counts and reports refused requests; default: one reporting on `publisher`. */
  readonly refusals?: RefusalReporter;
  /** Serve the Event Grid webhook (`/eventgrid`). Default true. */
  readonly webhook?: boolean;
  /** Readiness beyond "listening", e.g. the bus is connected. */
  readonly ready?: () => boolean;
  readonly logger?: Logger;
}

const JSON_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
];

/**
 * The ingress HTTP surface: Event Grid webhook (both schemas, both handshakes), `POST /resync`,
 * health. Answers 200 only after every event of a delivery is on the bus; 400 (which Event Grid
 * does not retry) for malformed deliveries, publishing none of their events. Every refusal
 * (400, 401, 403, 413) is counted and reported. Slow or idle callers are cut off by the header
 * and body timeouts, and the connection cap bounds what they can hold.
 */
export function createIngressServer(options: IngressServerOptions): FastifyInstance {
  const log = options.logger ?? silentLogger;
  const refusals =
    options.refusals ?? createRefusalReporter({ publisher: options.publisher, logger: log });
  const intake = createEventIntake({ publisher: options.publisher, logger: log });
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_INGRESS_HEADERS_TIMEOUT_SECONDS * 1000;
  const app = Fastify({
    bodyLimit: options.maxBodyBytes,
    logger: false,
    // Node answers 408 and closes when a request is not complete in time.
    requestTimeout: options.bodyTimeoutMs ?? DEFAULT_INGRESS_BODY_TIMEOUT_SECONDS * 1000,
    http: {
      headersTimeout,
      // Node checks the two timeouts on this period (30 s by default, longer than both).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
  });
  app.server.maxConnections = options.maxConnections ?? DEFAULT_INGRESS_MAX_CONNECTIONS;
  // Keep the raw text: CloudEvents parsing needs it, and our errors never echo it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.setErrorHandler(
    (error: { statusCode?: number; code?: string; message: string }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413) {
        const endpoint = request.url.startsWith(RESYNC_PATH) ? 'resync' : 'eventgrid';
        refusals.refused({ endpoint, status: 413, cause: 'body-too-large' });
        return reply.code(413).send({
          error: { code: 'PayloadTooLarge', message: `body over ${options.maxBodyBytes} bytes` },
        });
      }
      if (status >= 500) log.error('ingress request failed', { error: error.message });
      const message =
        status === 503
          ? 'bus unavailable, retry later'
          : status >= 500
            ? 'internal error'
            : error.message;
      return reply.code(status).send({ error: { code: error.code ?? 'Error', message } });
    },
  );

  // Routing only: what each request means is in src/handlers/.
  const health = createHealthHandlers(options.ready);
  app.get('/healthz', health.live);
  app.get('/readyz', health.ready);

  // Off when Event Grid delivers to an Event Hub or a Service Bus queue only: nothing listens.
  if (options.webhook !== false) {
    const webhook = createWebhookDeliveryHandlers({ intake, refusals, log });
    // Authenticated from headers and query before the body is read (see authGuard).
    const onRequest = authGuard(options.deliveryAuth, 'eventgrid', refusals);
    app.options(EVENTGRID_PATH, { onRequest }, webhook.handshake);
    app.post(EVENTGRID_PATH, { onRequest }, webhook.deliver);
  }
  app.post(
    RESYNC_PATH,
    { onRequest: authGuard(options.resyncAuth, 'resync', refusals) },
    createResyncHandler({
      publisher: options.publisher,
      principalOf: (request) => principals.get(request),
      log,
    }),
  );
  return app;
}
