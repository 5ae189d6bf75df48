import {
  BUS_REDELIVERY_RETRY,
  DEFAULT_MAX_DELIVERIES,
  nominalDelaysMs,
  retryDelayMs,
  steppedBackoff,
  type RetryPolicy,
} from '@akv-replicator/core';
import type { SubscribeOptions } from './bus';
import { BusOptionsError } from './errors';

export { DEFAULT_MAX_DELIVERIES };
/** Handlers in flight at once per lane. */
export const DEFAULT_CONCURRENCY = 8;
/**
 * Redelivery delays after a handler threw, by delivery count; the last one repeats
 * (1 s, 5 s, 30 s, 2 min: core's BUS_REDELIVERY_RETRY).
 */
export const DEFAULT_RETRY_BACKOFF_MS: readonly number[] = Object.freeze(
  BUS_REDELIVERY_RETRY.schedule.kind === 'steps'
    ? BUS_REDELIVERY_RETRY.schedule.delaysMs
    : nominalDelaysMs(BUS_REDELIVERY_RETRY, 1),
);
/** Lease before an unsettled delivery goes to another consumer (kept alive while handling). */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Shortest lease accepted: keep-alives run every third of it. */
export const MIN_ACK_WAIT_MS = 100;
/** How long close() waits for in-flight handlers before abandoning them (they get redelivered). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** Window in which a second publish with the same envelope id is dropped as a duplicate. */
export const DEFAULT_DEDUP_WINDOW_MS = 120_000;
/** How long publish keeps retrying (e.g. across a broker restart) before giving up. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
/** How long a consumer remembers ids it completed, to ack redeliveries of lost acks unhandled. */
export const DEFAULT_COMPLETED_ID_WINDOW_MS = 10 * 60_000;
/** Dead letters returned by one deadLetters() call when no limit is given. */
export const DEFAULT_DEAD_LETTER_LIST_LIMIT = 100;

/** Topic, subscription and routing-key names: safe as NATS tokens and Service Bus names. */
export const BUS_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Subscribe options with every default applied, validated and frozen. */
export interface ResolvedSubscribeOptions {
  readonly subscription: string;
  readonly routingKeys: readonly string[] | undefined;
  readonly concurrency: number;
  readonly maxDeliveries: number;
  readonly retryBackoffMs: readonly number[];
  /** `retryBackoffMs` as core's retry policy (what the delivery runner reads). */
  readonly retryPolicy: RetryPolicy;
  readonly ackWaitMs: number;
}

/** Throws BusOptionsError naming the key when a name is unusable on every transport. */
export function checkBusName(key: string, value: unknown): string {
  if (typeof value !== 'string' || !BUS_NAME_PATTERN.test(value)) {
    throw new BusOptionsError(key, `must match ${BUS_NAME_PATTERN} (got ${JSON.stringify(value)})`);
  }
  if (value === 'dlq') throw new BusOptionsError(key, '"dlq" is reserved for dead letters');
  return value;
}

function positiveInt(key: string, value: number | undefined, fallback: number, min = 1): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min) {
    throw new BusOptionsError(key, `must be an integer >= ${min} (got ${value})`);
  }
  return resolved;
}

/** Applies defaults and validates subscribe options before anything touches a broker. */
export function resolveSubscribeOptions(options: SubscribeOptions): ResolvedSubscribeOptions {
  const subscription = checkBusName('subscription', options.subscription);
  let routingKeys: readonly string[] | undefined;
  if (options.routingKeys !== undefined) {
    if (options.routingKeys.length === 0) {
      throw new BusOptionsError(
        'routingKeys',
        'must list at least one key (omit it for every message)',
      );
    }
    routingKeys = Object.freeze([
      ...new Set(options.routingKeys.map((key, i) => checkBusName(`routingKeys[${i}]`, key))),
    ]);
  }
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  if (retryBackoffMs.length === 0 || retryBackoffMs.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new BusOptionsError('retryBackoffMs', 'must be a non-empty list of delays >= 0');
  }
  return Object.freeze({
    subscription,
    routingKeys,
    concurrency: positiveInt('concurrency', options.concurrency, DEFAULT_CONCURRENCY),
    maxDeliveries: positiveInt('maxDeliveries', options.maxDeliveries, DEFAULT_MAX_DELIVERIES),
    retryBackoffMs: Object.freeze([...retryBackoffMs]),
    retryPolicy:
      options.retryBackoffMs === undefined
        ? BUS_REDELIVERY_RETRY
        : steppedBackoff({ name: 'busRedelivery', delaysMs: retryBackoffMs }),
    ackWaitMs: positiveInt('ackWaitMs', options.ackWaitMs, DEFAULT_ACK_WAIT_MS, MIN_ACK_WAIT_MS),
  });
}

/** Delay after the `deliveryCount`-th delivery (1-based) threw: the last step repeats. */
export function redeliveryDelayMs(
  options: Pick<ResolvedSubscribeOptions, 'retryPolicy'>,
  deliveryCount: number,
): number {
  return retryDelayMs(options.retryPolicy, Math.max(1, deliveryCount));
}

/** Validates a non-negative integer duration option. */
export function checkDurationMs(key: string, value: number | undefined, fallback: number): number {
  return positiveInt(key, value, fallback, 0);
}
