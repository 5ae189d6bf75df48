import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordIngressEvent } from '@akv-replicator/core';
import type { RequestAuthenticator } from '../auth/delivery-auth';
import type { RefusalReporter, RefusedEndpoint } from '../auth/refusal-reporter';

/** The error code of a refusal's body, per status. */
const REFUSAL_CODES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'ServiceUnavailable',
} as const;

/** Who each authenticated request's credential named (`requestedBy` of a resync). */
export const principals = new WeakMap<FastifyRequest, string>();

/**
 * An `onRequest` hook: authenticates from the headers and query alone, before a byte of the
 * body is read, so an unauthenticated caller cannot hold a connection open by sending its body
 * slowly. A refusal is counted and reported, and the connection is closed after the answer
 * (the unread body is never consumed).
 */
export function authGuard(
  auth: RequestAuthenticator,
  endpoint: RefusedEndpoint,
  refusals: RefusalReporter,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = await auth.authenticate({
      headers: request.headers,
      query: request.query as Record<string, unknown>,
    });
    if (decision.ok) {
      principals.set(request, decision.principal);
      return;
    }
    refusals.refused({ endpoint, status: decision.status, cause: decision.cause });
    if (endpoint === 'eventgrid') recordIngressEvent('webhook', 'rejected');
    return reply
      .code(decision.status)
      .header('connection', 'close')
      .send({
        error: {
          code: REFUSAL_CODES[decision.status],
          message: decision.reason,
        },
      });
  };
}
