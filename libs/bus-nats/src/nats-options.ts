import {
  BusOptionsError,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS,
} from '@akv-replicator/bus';
import { checkDurationMs, type BusOptions } from '@akv-replicator/bus/transport';

/** Stream and subject prefix, so several installations can share one server. */
export const DEFAULT_NATS_PREFIX = 'akvr';
/** How long a stream keeps messages (limits retention): a week of backlog at most. */
export const DEFAULT_STREAM_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/** How long dead letters are kept: long enough for someone to look at them after a holiday. */
export const DEFAULT_DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 60 * 60_000;
/** Pause between reconnect attempts; reconnects never give up. */
export const DEFAULT_NATS_RECONNECT_WAIT_MS = 250;

export interface NatsBusOptions extends BusOptions {
  /** Server URLs, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Default DEFAULT_NATS_PREFIX. Letters, digits, `_` and `-`. */
  readonly prefix?: string;
  /** Token authentication. */
  readonly token?: string;
  /** Contents of a `.creds` file (JWT + NKey seed). */
  readonly credentials?: Uint8Array;
  /** Connection name shown in server monitoring. */
  readonly name?: string;
  /** Default DEFAULT_PUBLISH_TIMEOUT_MS. */
  readonly publishTimeoutMs?: number;
  /** JetStream duplicate_window of new streams. Default DEFAULT_DEDUP_WINDOW_MS. */
  readonly dedupWindowMs?: number;
  /** max_age of new streams. Default DEFAULT_STREAM_MAX_AGE_MS. */
  readonly streamMaxAgeMs?: number;
  /** Default DEFAULT_NATS_RECONNECT_WAIT_MS. */
  readonly reconnectWaitMs?: number;
  /**
   * Wait for the server to confirm every ack (JetStream ack-ack) before counting it settled.
   * Default false: a lost ack only means a redelivery, which consumers absorb (completed ids).
   */
  readonly confirmAcks?: boolean;
}

export interface ResolvedNatsBusOptions extends BusOptions {
  readonly servers: readonly string[];
  readonly prefix: string;
  readonly publishTimeoutMs: number;
  readonly dedupWindowMs: number;
  readonly maxAgeMs: number;
  readonly reconnectWaitMs: number;
  readonly confirmAcks: boolean;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Validates and completes NATS bus options before connecting. */
export function resolveNatsBusOptions(options: NatsBusOptions): ResolvedNatsBusOptions {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new BusOptionsError('servers', 'must list at least one server URL');
  }
  const prefix = options.prefix ?? DEFAULT_NATS_PREFIX;
  if (!PREFIX_PATTERN.test(prefix))
    throw new BusOptionsError('prefix', `must match ${PREFIX_PATTERN}`);
  return Object.freeze({
    ...options,
    servers: Object.freeze(servers),
    prefix,
    publishTimeoutMs: checkDurationMs(
      'publishTimeoutMs',
      options.publishTimeoutMs,
      DEFAULT_PUBLISH_TIMEOUT_MS,
    ),
    dedupWindowMs: checkDurationMs('dedupWindowMs', options.dedupWindowMs, DEFAULT_DEDUP_WINDOW_MS),
    maxAgeMs: checkDurationMs('streamMaxAgeMs', options.streamMaxAgeMs, DEFAULT_STREAM_MAX_AGE_MS),
    confirmAcks: options.confirmAcks ?? false,
    reconnectWaitMs: checkDurationMs(
      'reconnectWaitMs',
      options.reconnectWaitMs,
      DEFAULT_NATS_RECONNECT_WAIT_MS,
    ),
  });
}
