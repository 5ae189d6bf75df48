import { randomUUID } from 'node:crypto';
import {
  subscriptionValidationEvent,
  toCloudEvent,
  toEventGridSchema,
  type KeyVaultEvent,
} from './event-shapes';
import type { ResolvedSubscription } from './subscription-options';

/** Raised when a webhook does not complete Event Grid's validation handshake. */
export class WebhookValidationError extends Error {
  override readonly name = 'WebhookValidationError';
  readonly subscription: string;
  readonly retryable = false;

  constructor(subscription: string, reason: string, cause?: unknown) {
    super(`Event subscription ${subscription}: webhook validation failed: ${reason}`, { cause });
    this.subscription = subscription;
  }
}

const WEBHOOK_TIMEOUT_MS = 30_000;
/** Origin Event Grid names in the CloudEvents abuse-protection handshake. */
export const EVENT_GRID_ORIGIN = 'eventgrid.azure.net';

/** The per-call timeout, combined with the hub's stop signal when given. */
function signalFor(cancel: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  return cancel ? AbortSignal.any([timeout, cancel]) : timeout;
}

function authHeaders(subscription: ResolvedSubscription): Record<string, string> {
  return subscription.bearerToken ? { authorization: `Bearer ${subscription.bearerToken}` } : {};
}

/**
 * EventGrid schema: POST a SubscriptionValidationEvent, expect `{validationResponse: code}`.
 * CloudEvents: OPTIONS with `WebHook-Request-Origin`, expect `WebHook-Allowed-Origin` back.
 */
export async function validateWebhook(
  subscription: ResolvedSubscription,
  topic: string,
  nowMs: number,
  cancel?: AbortSignal,
): Promise<void> {
  try {
    if (subscription.schema === 'CloudEventSchemaV1_0') {
      const response = await fetch(subscription.endpoint!, {
        method: 'OPTIONS',
        headers: {
          'webhook-request-origin': EVENT_GRID_ORIGIN,
          'webhook-request-rate': '120',
          ...authHeaders(subscription),
        },
        signal: signalFor(cancel),
      });
      const allowed = response.headers.get('webhook-allowed-origin');
      await response.body?.cancel();
      if (!response.ok)
        throw new WebhookValidationError(subscription.name, `OPTIONS answered ${response.status}`);
      if (allowed !== EVENT_GRID_ORIGIN && allowed !== '*') {
        throw new WebhookValidationError(
          subscription.name,
          `WebHook-Allowed-Origin was ${allowed ?? 'missing'}`,
        );
      }
      return;
    }
    const validationCode = randomUUID();
    const response = await fetch(subscription.endpoint!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'aeg-event-type': 'SubscriptionValidation',
        'aeg-subscription-name': subscription.name.toUpperCase(),
        'aeg-delivery-count': '0',
        'aeg-data-version': '1',
        'aeg-metadata-version': '1',
        ...authHeaders(subscription),
      },
      body: JSON.stringify([
        subscriptionValidationEvent(topic, validationCode, nowMs, subscription.name),
      ]),
      signal: signalFor(cancel),
    });
    const text = await response.text();
    if (!response.ok)
      throw new WebhookValidationError(subscription.name, `POST answered ${response.status}`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch (cause) {
      throw new WebhookValidationError(subscription.name, 'response is not JSON', cause);
    }
    if ((answer as { validationResponse?: unknown })?.validationResponse !== validationCode) {
      throw new WebhookValidationError(
        subscription.name,
        'validationResponse does not echo the validationCode',
      );
    }
  } catch (error) {
    if (error instanceof WebhookValidationError) throw error;
    throw new WebhookValidationError(subscription.name, (error as Error).message, error);
  }
}

/** One delivery attempt; resolves to the HTTP status (0 = network error / timeout). */
export async function deliverOnce(
  subscription: ResolvedSubscription,
  event: KeyVaultEvent,
  deliveryCount: number,
  cancel?: AbortSignal,
): Promise<number> {
  const cloud = subscription.schema === 'CloudEventSchemaV1_0';
  try {
    const response = await fetch(subscription.endpoint!, {
      method: 'POST',
      headers: {
        'content-type': cloud
          ? 'application/cloudevents+json; charset=utf-8'
          : 'application/json; charset=utf-8',
        'aeg-event-type': 'Notification',
        'aeg-subscription-name': subscription.name.toUpperCase(),
        'aeg-delivery-count': String(deliveryCount),
        'aeg-data-version': '1',
        'aeg-metadata-version': '1',
        ...authHeaders(subscription),
      },
      body: JSON.stringify(
        cloud
          ? toCloudEvent(event, subscription.payloadStyle)
          : [toEventGridSchema(event, subscription.payloadStyle)],
      ),
      signal: signalFor(cancel),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}
