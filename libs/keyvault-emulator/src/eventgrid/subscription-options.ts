import { DOCUMENTED_EVENT_TTL_MINUTES, DOCUMENTED_MAX_DELIVERY_ATTEMPTS } from './delivery-policy';
import type { EventHubDestination, ServiceBusQueueDestination } from './messaging-destination';

/** Event Grid's two delivery schemas. */
export type EventDeliverySchema = 'EventGridSchema' | 'CloudEventSchemaV1_0';

/**
 * Retry policy of a subscription: Event Grid's documented schedule (10 s, 30 s, 1 min, 5 min, …;
 * see delivery-policy.ts) scaled down for tests, up to a number of attempts or a time to live.
 */
export interface DeliveryRetryOptions {
  /**
   * Attempts in total, first one included: 1–30 as in Azure (`maxDeliveryAttempts`, default 30
   * there). Default here {@link DEFAULT_MAX_DELIVERY_ATTEMPTS}, so a dead endpoint is given up
   * on in seconds.
   */
  readonly maxAttempts?: number;
  /** Event time to live, minutes of the (scaled) schedule: 1–1440, default 1440 as in Azure. */
  readonly eventTimeToLiveMinutes?: number;
  /** Factor on the documented delays (and the TTL). Default {@link DEFAULT_RETRY_SCHEDULE_SCALE}. */
  readonly scheduleScale?: number;
  /** Cap on one delay after scaling, ms. Default {@link DEFAULT_RETRY_MAX_DELAY_MS}. */
  readonly maxDelayMs?: number;
}

/** Where undeliverable events go (Azure: a blob container; here a local directory). */
export interface DeadLetterOptions {
  /** Each dead-lettered event is written as `<directory>/<SUBSCRIPTION>/<yyyy>/<mm>/<dd>/<hh>/<event id>.json`. */
  readonly directory: string;
}

/**
 * How NBF/EXP and the other data fields are written. Key Vault's schema page documents numbers
 * (Unix seconds) but its examples show strings, with a `"ObjectName "` key and a `" version"`:
 * - `numbers`: numbers, null when the object has none (default);
 * - `strings`: numeric strings, as the documentation's examples;
 * - `nulls`: always null;
 * - `documented-example`: exactly the example's quirks — string NBF/EXP, the key
 *   `"ObjectName "` with its trailing space and the version with a leading space.
 */
export type KeyVaultPayloadStyle = 'numbers' | 'strings' | 'nulls' | 'documented-example';

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
  /** Dead-letter destination; without one, undeliverable events are dropped (as in Azure). */
  readonly deadLetter?: DeadLetterOptions;
  /** Default `numbers`. */
  readonly payloadStyle?: KeyVaultPayloadStyle;
}

export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;
/** 10 s becomes 100 ms, 30 s 300 ms, … */
export const DEFAULT_RETRY_SCHEDULE_SCALE = 0.01;
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
  readonly deadLetter: DeadLetterOptions | undefined;
  readonly payloadStyle: KeyVaultPayloadStyle;
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
  const pick = <K extends keyof DeliveryRetryOptions>(key: K, fallback: number): number =>
    options.retry?.[key] ?? defaults[key] ?? fallback;
  const retry = {
    maxAttempts: pick('maxAttempts', DEFAULT_MAX_DELIVERY_ATTEMPTS),
    eventTimeToLiveMinutes: pick('eventTimeToLiveMinutes', DOCUMENTED_EVENT_TTL_MINUTES),
    scheduleScale: pick('scheduleScale', DEFAULT_RETRY_SCHEDULE_SCALE),
    maxDelayMs: pick('maxDelayMs', DEFAULT_RETRY_MAX_DELAY_MS),
  };
  // Azure's bounds (delivery-and-retry, "Retry policy").
  if (
    !Number.isInteger(retry.maxAttempts) ||
    retry.maxAttempts < 1 ||
    retry.maxAttempts > DOCUMENTED_MAX_DELIVERY_ATTEMPTS
  )
    throw new RangeError('retry.maxAttempts must be an integer from 1 to 30');
  if (
    !Number.isInteger(retry.eventTimeToLiveMinutes) ||
    retry.eventTimeToLiveMinutes < 1 ||
    retry.eventTimeToLiveMinutes > DOCUMENTED_EVENT_TTL_MINUTES
  )
    throw new RangeError('retry.eventTimeToLiveMinutes must be an integer from 1 to 1440');
  if (!(retry.scheduleScale > 0)) throw new RangeError('retry.scheduleScale must be > 0');
  const payloadStyle = options.payloadStyle ?? 'numbers';
  if (!['numbers', 'strings', 'nulls', 'documented-example'].includes(payloadStyle))
    throw new RangeError(`eventGrid subscription ${options.name}: unknown payloadStyle`);
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
    deadLetter: options.deadLetter,
    payloadStyle,
    chaos: {
      duplicateRate,
      reorderWindowMs: options.chaos?.reorderWindowMs,
      delayMs: options.chaos?.delayMs ?? 0,
    },
  };
}
