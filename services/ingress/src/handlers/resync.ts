import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TOPICS, createEnvelope, resyncCommandDataSchema, type Logger } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { INGRESS_SOURCE } from '../intake/event-intake';
import { badRequest, publishOr503 } from './replies';

/** What a caller may choose; the server sets `resyncId`, `requestedBy` and `requestedAt`. */
const CALLER_FIELDS = ['vault', 'objectName', 'objectKinds', 'dryRun'] as const;

export interface ResyncHandlerDeps {
  readonly publisher: Publisher;
  /** Who the request's credential named (set by the authentication in front of the route). */
  readonly principalOf: (request: FastifyRequest) => string | undefined;
  readonly log: Logger;
}

/**
 * `POST /resync`: publishes a resync command (202 with its id). The id is the server's, so a
 * caller cannot collide with (and have the bus drop as a duplicate) another resync; who asked
 * comes from the credential, not from the body.
 */
export function createResyncHandler(deps: ResyncHandlerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let body: unknown = {};
    if (typeof request.body === 'string' && request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body);
      } catch {
        return badRequest(reply, ['body is not JSON']);
      }
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return badRequest(reply, ['body must be a JSON object']);
    const chosen = Object.fromEntries(
      CALLER_FIELDS.filter((key) => key in body).map((key) => [
        key,
        (body as Record<string, unknown>)[key],
      ]),
    );
    const command = resyncCommandDataSchema.safeParse({
      ...chosen,
      resyncId: randomUUID(),
      requestedAt: new Date().toISOString(),
      requestedBy: `http:${deps.principalOf(request) ?? 'unknown'}`,
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
    await publishOr503(deps.publisher, TOPICS.resyncCommands, envelope);
    deps.log.info('resync requested', {
      resyncId: command.data.resyncId,
      requestedBy: command.data.requestedBy,
      vault: command.data.vault,
      objectName: command.data.objectName,
    });
    return reply.code(202).send({ resyncId: command.data.resyncId });
  };
}
