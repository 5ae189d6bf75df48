import type { EventHubDestination, ServiceBusQueueDestination } from './messaging-destination';

/** Event Grid's two delivery schemas. */
export type EventDeliverySchema = 'EventGridSchema' | 'CloudEventSchemaV1_0';

/** Retry policy for failed deliveries (Event Grid retries with backoff, at least once). */
export interface DeliveryRetryOptions {
  /** Attempts in total, first one included. Default {@link DEFAULT_MAX_DELIVERY_ATTEMPTS}. */
  readonly maxAttempts?: number;
  /** Delay before the 2nd attempt; doubles each time. Default {@link DEFAULT_RETRY_INITIAL_DELAY_MS}. */
  readonly initialDelayMs?: number;
  /** Cap on the delay between attempts. Default {@link DEFAULT_RETRY_MAX_DELAY_MS}. */
  readonly maxDelayMs?: number;
}

/** Misbehaviour Event Grid is allowed (at-least-once, unordered): inject it to test receivers. */
export interface DeliveryChaosOptions {
  /** Fraction 0..1 of events delivered twice. Default 0. */
  readonly duplicateRate?: number;
  /**
   * When set, events are held for this many ms and then delivered newest first, so a burst
   * arrives in reverse order. Default: off.
   */
  readonly reorderWindowMs?: number;
  /** Fixed extra delay before each delivery, ms. Default 0. */
  readonly delayMs?: number;
}

/**
 * An event subscription on one vault (the programmatic equivalent of `az eventgrid
 * event-subscription create`): exactly one destination — a webhook `endpoint`, an `eventHub`
 * or a `serviceBusQueue`.
 */
export interface WebhookSubscriptionOptions {
  /** Unique name; sent upper-cased in `aeg-subscription-name`. */
  readonly name: string;
  /** The vault whose events are delivered. */
  readonly vault: string;
  /** Webhook URL. A query-string secret (e.g. `?code=…`) is kept and sent on every call. */
  readonly endpoint?: string;
  /** Event Hub destination (`endpointType: EventHub`). */
  readonly eventHub?: EventHubDestination;
  /** Service Bus queue destination (`endpointType: ServiceBusQueue`). */
  readonly serviceBusQueue?: ServiceBusQueueDestination;
  /** Default `EventGridSchema`. */
  readonly schema?: EventDeliverySchema;
  /** Sent as `Authorization: Bearer …` on every call (Entra-protected webhooks). */
  readonly bearerToken?: string;
  /** Only these event types are delivered; default all Key Vault events. */
  readonly includedEventTypes?: readonly string[];
  readonly retry?: DeliveryRetryOptions;
  readonly chaos?: DeliveryChaosOptions;
}

export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 2_000;
/** Event Grid sends events this long before `exp` as `…NearExpiry`. */
export const NEAR_EXPIRY_WINDOW_MS = 30 * 86_400_000;

/** Options after validation, with every default filled in. */
export interface ResolvedSubscription {
  readonly name: string;
  readonly vault: string;
  /** The webhook URL; undefined for Event Hub and Service Bus queue destinations. */
  readonly endpoint: string | undefined;
  readonly eventHub: EventHubDestination | undefined;
  readonly serviceBusQueue: ServiceBusQueueDestination | undefined;
  readonly schema: EventDeliverySchema;
  readonly bearerToken: string | undefined;
  readonly includedEventTypes: readonly string[] | undefined;
  readonly retry: Required<DeliveryRetryOptions>;
  readonly chaos: { duplicateRate: number; reorderWindowMs: number | undefined; delayMs: number };
}

export function resolveSubscription(
  options: WebhookSubscriptionOptions,
  defaults: DeliveryRetryOptions = {},
): ResolvedSubscription {
  const destinations = [options.endpoint, options.eventHub, options.serviceBusQueue].filter(
    (d) => d !== undefined,
  );
  if (destinations.length !== 1)
    throw new RangeError(
      `eventGrid subscription ${options.name}: set exactly one of endpoint, eventHub or serviceBusQueue`,
    );
  if (options.endpoint !== undefined) {
    const url = new URL(options.endpoint); // throws on an invalid URL, naming it
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(
        `eventGrid subscription ${options.name}: endpoint must be http(s) (got ${options.endpoint})`,
      );
    }
  }
  const schema = options.schema ?? 'EventGridSchema';
  if (schema !== 'EventGridSchema' && schema !== 'CloudEventSchemaV1_0') {
    throw new RangeError(
      `eventGrid subscription ${options.name}: unknown schema ${String(schema)}`,
    );
  }
  const duplicateRate = options.chaos?.duplicateRate ?? 0;
  if (!(duplicateRate >= 0 && duplicateRate <= 1))
    throw new RangeError('chaos.duplicateRate must be between 0 and 1');
  const retry = {
    maxAttempts:
      options.retry?.maxAttempts ?? defaults.maxAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
    initialDelayMs:
      options.retry?.initialDelayMs ?? defaults.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS,
    maxDelayMs: options.retry?.maxDelayMs ?? defaults.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
  };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)
    throw new RangeError('retry.maxAttempts must be >= 1');
  return {
    name: options.name,
    vault: options.vault,
    endpoint: options.endpoint,
    eventHub: options.eventHub,
    serviceBusQueue: options.serviceBusQueue,
    schema,
    bearerToken: options.bearerToken,
    includedEventTypes: options.includedEventTypes,
    retry,
    chaos: {
      duplicateRate,
      reorderWindowMs: options.chaos?.reorderWindowMs,
      delayMs: options.chaos?.delayMs ?? 0,
    },
  };
}
