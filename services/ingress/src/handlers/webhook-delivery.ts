import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordIngressEvent, type Logger } from '@akv-replicator/core';
import type { RefusalReporter } from '../auth/refusal-reporter';
import { parseDelivery } from '../eventgrid/parse-delivery';
import { traceparentOf, type EventIntake } from '../intake/event-intake';
import { badRequest, busUnavailable } from './replies';

/** An origin we echo: one printable token of bounded length (a header value we can send back). */
const ORIGIN = /^[\x21-\x7e]{1,255}$/;

export interface WebhookDeliveryDeps {
  readonly intake: EventIntake;
  readonly refusals: RefusalReporter;
  readonly log: Logger;
}

/**
 * The Event Grid webhook, both schemas and both handshakes
 * (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery). The server routes
 * `OPTIONS` to `handshake` and `POST` to `deliver`, both behind the delivery authentication:
 * the CloudEvents handshake is what lets a subscription start delivering, so it proves the
 * caller holds the credential too.
 */
export function createWebhookDeliveryHandlers(deps: WebhookDeliveryDeps) {
  const { intake, refusals, log } = deps;
  return {
    /** CloudEvents webhook validation (abuse protection): echo the origin we allow. */
    async handshake(request: FastifyRequest, reply: FastifyReply) {
      const origin = request.headers['webhook-request-origin'];
      if (typeof origin !== 'string' || !ORIGIN.test(origin))
        return badRequest(reply, ['WebHook-Request-Origin header missing or not a host name']);
      return reply
        .code(200)
        .header('WebHook-Allowed-Origin', origin)
        .header('WebHook-Allowed-Rate', '*')
        .send();
    },

    /** One delivery: 200 once every event is on the bus, 400 (none published) if malformed. */
    async deliver(request: FastifyRequest, reply: FastifyReply) {
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
    },
  };
}
