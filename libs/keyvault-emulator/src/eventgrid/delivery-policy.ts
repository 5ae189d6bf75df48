import { STATUS_CODES } from 'node:http';

/**
 * Event Grid's delivery rules, from "Event Grid message delivery and retry"
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry):
 * - success is 200, 201, 202, 203 or 204 only ("Success codes"); everything else failed;
 * - a webhook answering 400, 401, 403 or 413 is not retried: the event is dead-lettered at once
 *   (dropped without a dead-letter destination); an Azure resource destination (Event Hub,
 *   Service Bus queue) the same for 400, 403 and 413 ("Retry schedule" table);
 * - other failures are retried on the schedule 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h,
 *   3 h, 6 h, then every 12 h, until the maximum number of attempts (1–30, default 30) or the
 *   event time to live (1–1440 minutes, default 1440) runs out, whichever comes first; then the
 *   event is dead-lettered.
 */
export const DOCUMENTED_RETRY_SCHEDULE_MS: readonly number[] = [
  10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000,
];
/** After the listed steps Event Grid retries every 12 hours. */
export const DOCUMENTED_LATER_RETRY_MS = 43_200_000;
export const DOCUMENTED_MAX_DELIVERY_ATTEMPTS = 30;
export const DOCUMENTED_EVENT_TTL_MINUTES = 1_440;

const WEBHOOK_NOT_RETRIED = new Set([400, 401, 403, 413]);
const RESOURCE_NOT_RETRIED = new Set([400, 403, 413]);

/** Event Grid counts only these as delivered. */
export function isDelivered(status: number): boolean {
  return status >= 200 && status <= 204;
}

/** A failure Event Grid never retries for this kind of destination. */
export function isNotRetried(status: number, destination: 'webhook' | 'resource'): boolean {
  return (destination === 'webhook' ? WEBHOOK_NOT_RETRIED : RESOURCE_NOT_RETRIED).has(status);
}

/** The documented delay before attempt `attempt` (1 = the first retry), times `scale`. */
export function documentedRetryDelayMs(attempt: number, scale: number): number {
  const step = DOCUMENTED_RETRY_SCHEDULE_MS[attempt - 1] ?? DOCUMENTED_LATER_RETRY_MS;
  return step * scale;
}

/**
 * `deadLetterReason` values. `MaxDeliveryAttemptsExceeded` is the one the documentation's
 * dead-letter examples show; the other two name the remaining documented conditions (the time
 * to live ran out; a status that is never retried).
 */
export type DeadLetterReason =
  'MaxDeliveryAttemptsExceeded' | 'TimeToLiveExceeded' | 'UndeliverableDueToClientError';

/** `lastDeliveryOutcome` as the documentation's examples write it (`NotFound`), or `TimedOut`. */
export function deliveryOutcome(status: number): string {
  if (status === 0) return 'TimedOut';
  return (STATUS_CODES[status] ?? `Status${status}`).replace(/[^A-Za-z]/g, '');
}

/** What the dead-letter destination receives about one event, beside the event itself. */
export interface DeadLetterProperties {
  readonly deadLetterReason: DeadLetterReason;
  readonly deliveryAttempts: number;
  readonly lastDeliveryOutcome: string;
  /** 0 when no HTTP answer came (network error, timeout). */
  readonly lastHttpStatusCode: number;
  readonly publishTime: string;
  readonly lastDeliveryAttemptTime: string;
}

/**
 * The dead-lettered event as the documentation's "Delivery event formats" show it: the event
 * with the dead-letter properties beside its own, camelCase in the Event Grid schema and
 * lower-case in CloudEvents (whose attribute names are lower-case by spec).
 */
export function deadLetteredEvent(
  event: Record<string, unknown>,
  properties: DeadLetterProperties,
  schema: 'EventGridSchema' | 'CloudEventSchemaV1_0',
): Record<string, unknown> {
  if (schema === 'EventGridSchema') return { ...event, ...properties };
  return {
    ...event,
    ...Object.fromEntries(Object.entries(properties).map(([k, v]) => [k.toLowerCase(), v])),
  };
}
