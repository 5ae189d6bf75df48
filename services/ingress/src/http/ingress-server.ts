import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  TOPICS,
  createEnvelope,
  recordIngressEvent,
  resyncCommandDataSchema,
  silentLogger,
  type Logger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { RequestAuthenticator } from '../auth/delivery-auth';
import { parseDelivery } from '../eventgrid/parse-delivery';
import { INGRESS_SOURCE, createEventIntake, traceparentOf } from '../intake/event-intake';

export { INGRESS_SOURCE } from '../intake/event-intake';
export const EVENTGRID_PATH = '/eventgrid';
export const RESYNC_PATH = '/resync';

export interface IngressServerOptions {
  readonly publisher: Publisher;
  readonly deliveryAuth: RequestAuthenticator;
  readonly resyncAuth: RequestAuthenticator;
  readonly maxBodyBytes: number;
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
 * does not retry) for malformed deliveries, publishing none of their events.
 */
export function createIngressServer(options: IngressServerOptions): FastifyInstance {
  const log = options.logger ?? silentLogger;
  const intake = createEventIntake({ publisher: options.publisher, logger: log });
  const app = Fastify({ bodyLimit: options.maxBodyBytes, logger: false });
  // Keep the raw text: CloudEvents parsing needs it, and our errors never echo it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.setErrorHandler(
    (error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413)
        return reply.code(413).send({
          error: { code: 'PayloadTooLarge', message: `body over ${options.maxBodyBytes} bytes` },
        });
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

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    (options.ready?.() ?? true)
      ? { status: 'ready' }
      : reply.code(503).send({ status: 'not ready' }),
  );

  // Off when Event Grid delivers to an Event Hub or a Service Bus queue only: nothing listens.
  if (options.webhook !== false) registerWebhook(app, options, intake, log);

  app.post(RESYNC_PATH, async (request, reply) => {
    const auth = await options.resyncAuth.authenticate(request as never);
    if (!auth.ok)
      return reply
        .code(auth.status)
        .send({ error: { code: 'Unauthorized', message: auth.reason } });
    let body: unknown = {};
    if (typeof request.body === 'string' && request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body);
      } catch {
        return badRequest(reply, ['body is not JSON']);
      }
    }
    const command = resyncCommandDataSchema.safeParse({
      resyncId: randomUUID(),
      requestedAt: new Date().toISOString(),
      requestedBy: 'http',
      ...(body as object),
    });
    if (!command.success)
      return badRequest(
        reply,
        command.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      );
    const envelope = createEnvelope('akv.resync.command.v1', command.data, {
      id: command.data.resyncId,
      source: INGRESS_SOURCE,
    });
    await publishOr503(options.publisher, TOPICS.resyncCommands, envelope);
    log.info('resync requested', {
      resyncId: command.data.resyncId,
      vault: command.data.vault,
      objectName: command.data.objectName,
    });
    return reply.code(202).send({ resyncId: command.data.resyncId });
  });

  return app;
}

/** `OPTIONS` and `POST /eventgrid`: the Event Grid webhook (both schemas, both handshakes). */
function registerWebhook(
  app: FastifyInstance,
  options: IngressServerOptions,
  intake: ReturnType<typeof createEventIntake>,
  log: Logger,
): void {
  // CloudEvents webhook validation (abuse protection): echo the origin we allow.
  app.options(EVENTGRID_PATH, async (request, reply) => {
    const auth = await options.deliveryAuth.authenticate(request as never);
    if (!auth.ok)
      return reply
        .code(auth.status)
        .send({ error: { code: 'Unauthorized', message: auth.reason } });
    const origin = request.headers['webhook-request-origin'];
    if (typeof origin !== 'string')
      return reply
        .code(400)
        .send({ error: { code: 'BadRequest', message: 'WebHook-Request-Origin header missing' } });
    return reply
      .code(200)
      .header('WebHook-Allowed-Origin', origin)
      .header('WebHook-Allowed-Rate', '*')
      .send();
  });

  app.post(EVENTGRID_PATH, async (request, reply) => {
    const auth = await options.deliveryAuth.authenticate(request as never);
    if (!auth.ok) {
      log.warn('event grid delivery refused', { reason: auth.reason });
      recordIngressEvent('webhook', 'rejected');
      return reply
        .code(auth.status)
        .send({ error: { code: 'Unauthorized', message: auth.reason } });
    }
    const delivery = parseDelivery(
      typeof request.body === 'string' ? request.body : '',
      request.headers,
    );
    if (delivery.kind === 'invalid') {
      recordIngressEvent('webhook', 'rejected');
      return badRequest(reply, [delivery.reason]);
    }
    if (delivery.kind === 'eventgrid-validation') {
      log.info('event grid subscription validated');
      return { validationResponse: delivery.validationCode };
    }
    const outcome = await intake
      .accept(delivery, { input: 'webhook', ...traceOf(request.headers.traceparent) })
      .catch((cause: unknown) => {
        throw busUnavailable(cause);
      });
    if (outcome.kind === 'invalid') return badRequest(reply, [...outcome.reasons]);
    if (outcome.kind !== 'accepted') return badRequest(reply, ['unexpected validation event']);
    const { published, duplicates, ignored } = outcome;
    log.info('event grid delivery accepted', {
      schema: delivery.schema,
      published,
      duplicates,
      ignored,
    });
    return { published, duplicates, ignored };
  });
}

/** A bus failure is the ingress being unavailable: 503, so Event Grid retries the delivery. */
async function publishOr503(
  publisher: Publisher,
  topic: string,
  envelope: Parameters<Publisher['publish']>[1],
) {
  try {
    return await publisher.publish(topic, envelope);
  } catch (cause) {
    throw busUnavailable(cause);
  }
}

function busUnavailable(cause: unknown): Error {
  return Object.assign(new Error(`bus unavailable: ${(cause as Error).message}`), {
    statusCode: 503,
    code: 'BusUnavailable',
  });
}

function badRequest(
  reply: { code(status: number): { send(body: unknown): unknown } },
  reasons: string[],
) {
  return reply
    .code(400)
    .send({ error: { code: 'BadRequest', message: reasons[0], details: reasons } });
}

function traceOf(value: string | string[] | undefined): { traceparent?: string } {
  const traceparent = traceparentOf(value);
  return traceparent ? { traceparent } : {};
}
