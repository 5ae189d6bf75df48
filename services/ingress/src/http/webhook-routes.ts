import type { FastifyInstance } from 'fastify';
import { recordIngressEvent, type Logger } from '@akv-replicator/core';
import type { RequestAuthenticator } from '../auth/delivery-auth';
import type { RefusalReporter } from '../auth/refusal-reporter';
import { parseDelivery } from '../eventgrid/parse-delivery';
import { traceparentOf, type EventIntake } from '../intake/event-intake';
import { authGuard } from './auth-guard';
import { badRequest, busUnavailable } from './replies';

export const EVENTGRID_PATH = '/eventgrid';

/** An origin we echo: one printable token of bounded length (a header value we can send back). */
const ORIGIN = /^[\x21-\x7e]{1,255}$/;

/**
 * `OPTIONS` and `POST /eventgrid`: the Event Grid webhook, both schemas and both handshakes
 * (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery). Both methods are
 * authenticated before anything else: the CloudEvents handshake is what lets a subscription
 * start delivering, so it proves the caller holds the credential too.
 */
export function registerWebhook(
  app: FastifyInstance,
  deps: {
    readonly deliveryAuth: RequestAuthenticator;
    readonly intake: EventIntake;
    readonly refusals: RefusalReporter;
    readonly log: Logger;
  },
): void {
  const { intake, refusals, log } = deps;
  const onRequest = authGuard(deps.deliveryAuth, 'eventgrid', refusals);

  // CloudEvents webhook validation (abuse protection): echo the origin we allow.
  app.options(EVENTGRID_PATH, { onRequest }, async (request, reply) => {
    const origin = request.headers['webhook-request-origin'];
    if (typeof origin !== 'string' || !ORIGIN.test(origin))
      return badRequest(reply, ['WebHook-Request-Origin header missing or not a host name']);
    return reply
      .code(200)
      .header('WebHook-Allowed-Origin', origin)
      .header('WebHook-Allowed-Rate', '*')
      .send();
  });

  app.post(EVENTGRID_PATH, { onRequest }, async (request, reply) => {
    const delivery = parseDelivery(
      typeof request.body === 'string' ? request.body : '',
      request.headers,
    );
    if (delivery.kind === 'invalid') {
      recordIngressEvent('webhook', 'rejected');
      refusals.refused({ endpoint: 'eventgrid', status: 400, cause: 'malformed-delivery' });
      return badRequest(reply, [delivery.reason]);
    }
    if (delivery.kind === 'eventgrid-validation') {
      log.info('event grid subscription validated');
      return { validationResponse: delivery.validationCode };
    }
    const traceparent = traceparentOf(request.headers.traceparent);
    const outcome = await intake
      .accept(delivery, { input: 'webhook', ...(traceparent ? { traceparent } : {}) })
      .catch((cause: unknown) => {
        throw busUnavailable(cause);
      });
    if (outcome.kind !== 'accepted') {
      refusals.refused({ endpoint: 'eventgrid', status: 400, cause: 'malformed-delivery' });
      return badRequest(
        reply,
        outcome.kind === 'invalid' ? outcome.reasons : ['unexpected validation event'],
      );
    }
    const { published, duplicates, ignored } = outcome;
    log.info('event grid delivery accepted', {
      schema: delivery.schema,
      published,
      duplicates,
      ignored,
    });
    return {
      ...(delivery.validationCode ? { validationResponse: delivery.validationCode } : {}),
      published,
      duplicates,
      ignored,
    };
  });
}
