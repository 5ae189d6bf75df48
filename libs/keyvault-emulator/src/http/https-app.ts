import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errors, isServiceError, ServiceError } from '../errors';
import type { ServerTlsMaterial } from '../tls/certificate-authority';

/** One route of an HTTPS app: method + path template → handler returning status and JSON body. */
export interface HttpRoute {
  readonly method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE' | 'OPTIONS';
  readonly path: string;
  /** Free-form tag the guards can read (e.g. the throttling class). */
  readonly tag?: string;
  handle(
    request: FastifyRequest,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
}

/** What a guard decides about a request before its handler runs. */
export type GuardOutcome = 'continue' | 'drop';

/**
 * Cross-cutting checks (faults, auth, throttling) run in order before every request, matched
 * or not. They throw {@link ServiceError} to answer with an error, or return `'drop'` to
 * destroy the connection without an answer.
 */
export type RequestGuard = (
  request: FastifyRequest,
  routeTag: string | undefined,
) => GuardOutcome | Promise<GuardOutcome>;

function sendError(reply: FastifyReply, error: ServiceError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).send(error.toBody());
}

/** Builds a Fastify HTTPS app from a route table and guards. Does not listen. */
export function createHttpsApp(options: {
  readonly tls: ServerTlsMaterial;
  readonly routes: readonly HttpRoute[];
  readonly guards: readonly RequestGuard[];
}): FastifyInstance {
  const app = Fastify({
    https: { key: options.tls.key, cert: options.tls.cert },
    logger: false,
    keepAliveTimeout: 120_000,
    // The largest legal body is a 25 KB secret or a certificate import; 4 MB is generous.
    bodyLimit: 4 * 1024 * 1024,
    // Object names go up to 127 characters; Fastify's default parameter limit is 100.
    routerOptions: { caseSensitive: false, ignoreDuplicateSlashes: true, maxParamLength: 512 },
  });

  // Key Vault clients send `Content-Type: application/json` with empty bodies (recover, backup).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (cause) {
      done(
        new ServiceError({
          statusCode: 400,
          code: 'BadParameter',
          message: 'The request body is not valid JSON.',
          cause,
        }),
        undefined,
      );
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const tag = (request.routeOptions.config as { tag?: string } | undefined)?.tag;
    for (const guard of options.guards) {
      if ((await guard(request, tag)) === 'drop') {
        request.raw.socket.destroy();
        reply.hijack();
        return;
      }
    }
  });

  app.setErrorHandler((error, _request, reply) => {
    if (isServiceError(error)) return sendError(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(reply, errors.badRequest((error as Error).message));
    }
    return sendError(
      reply,
      new ServiceError({
        statusCode: 500,
        code: 'InternalServerError',
        message: String(error),
        cause: error,
      }),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, errors.routeNotFound(request.method, request.url)),
  );

  for (const route of options.routes) {
    app.route({
      method: route.method,
      url: route.path,
      config: { tag: route.tag },
      handler: async (request, reply) => {
        const result = await route.handle(request);
        reply.code(result.status);
        if (result.headers) reply.headers(result.headers);
        return result.body === undefined ? reply.send() : reply.send(result.body);
      },
    });
  }
  return app;
}
