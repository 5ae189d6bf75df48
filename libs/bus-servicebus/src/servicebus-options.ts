import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient } from '@azure/service-bus';
import type { BusOptions } from '@akv-replicator/bus';
import {
  BusOptionsError,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS,
} from '@akv-replicator/bus';
import { checkDurationMs } from './bus-runtime';
import type { TopologyProvisioner } from './topology';

/** Per SDK operation (send, settle, management call) before it counts as failed and is retried. */
export const DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS = 30_000;
/**
 * First pause of the SDK's own retries (exponential, capped at DEFAULT_SERVICEBUS_MAX_RETRY_DELAY_MS).
 * The SDK default is a fixed 30 s, which turns a broker restart into half a minute of silence.
 */
export const DEFAULT_SERVICEBUS_RETRY_DELAY_MS = 500;
export const DEFAULT_SERVICEBUS_MAX_RETRY_DELAY_MS = 10_000;
/** How long the SDK keeps renewing a message lock while a handler runs (long tasks). */
export const DEFAULT_MAX_LOCK_RENEWAL_MS = 30 * 60_000;
/**
 * Shortest subscription lock the transport asks for. The SDK renews a lock under 1 s
 * continuously, so shorter `ackWaitMs` values are raised to this (Azure's own minimum is 5 s,
 * applied by the administration provisioner).
 */
export const DEFAULT_MIN_LOCK_DURATION_MS = 1_000;

/** A subscription that must exist as soon as its topic does (messages published earlier wait in it). */
export interface DeclaredSubscription {
  readonly subscription: string;
  readonly routingKeys?: readonly string[];
  readonly maxDeliveries?: number;
  readonly ackWaitMs?: number;
}

export interface ServiceBusBusOptions extends BusOptions {
  /** A namespace connection string (SAS, or the emulator's `UseDevelopmentEmulator=true`). */
  readonly connectionString?: string;
  /** `<namespace>.servicebus.windows.net`, with `credential` (Entra ID) instead of a connection string. */
  readonly fullyQualifiedNamespace?: string;
  /** Entra ID credential for `fullyQualifiedNamespace`. Default: DefaultAzureCredential. */
  readonly credential?: TokenCredential;
  /** An existing client (the bus then does not close it). */
  readonly client?: ServiceBusClient;
  /**
   * Creates or checks topics and subscriptions. Default: ServiceBusAdministrationClient on the
   * same namespace and credentials; required for emulator connection strings (the emulator's
   * topology comes from its Config.json: use preProvisionedTopology).
   */
  readonly provisioner?: TopologyProvisioner;
  /**
   * Subscriptions to create together with each topic, so that messages published before any
   * consumer attaches are kept (Service Bus only keeps messages for existing subscriptions).
   * In production this is the deployed topology; default none.
   */
  readonly declaredSubscriptions?: (topic: string) => readonly DeclaredSubscription[];
  /** Default DEFAULT_PUBLISH_TIMEOUT_MS: publish keeps retrying (broker restart) this long. */
  readonly publishTimeoutMs?: number;
  /** Duplicate detection window of created topics. Default DEFAULT_DEDUP_WINDOW_MS. */
  readonly dedupWindowMs?: number;
  /** Default DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS. */
  readonly operationTimeoutMs?: number;
  /** Default DEFAULT_SERVICEBUS_RETRY_DELAY_MS. */
  readonly retryDelayMs?: number;
  /** Default DEFAULT_MAX_LOCK_RENEWAL_MS. */
  readonly maxLockRenewalMs?: number;
  /** Default DEFAULT_MIN_LOCK_DURATION_MS. */
  readonly minLockDurationMs?: number;
}

export interface ResolvedServiceBusBusOptions extends ServiceBusBusOptions {
  readonly publishTimeoutMs: number;
  readonly dedupWindowMs: number;
  readonly operationTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly maxLockRenewalMs: number;
  readonly minLockDurationMs: number;
}

/** Validates and completes options before anything connects; names the offending key. */
export function resolveServiceBusBusOptions(
  options: ServiceBusBusOptions,
): ResolvedServiceBusBusOptions {
  const sources = [
    options.connectionString,
    options.fullyQualifiedNamespace,
    options.client,
  ].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new BusOptionsError(
      'connectionString',
      'give exactly one of connectionString, fullyQualifiedNamespace (+ credential) or client',
    );
  }
  if (options.credential !== undefined && options.fullyQualifiedNamespace === undefined) {
    throw new BusOptionsError('credential', 'is only used with fullyQualifiedNamespace');
  }
  if (
    options.fullyQualifiedNamespace !== undefined &&
    !/^[A-Za-z0-9.-]+(:\d+)?$/.test(options.fullyQualifiedNamespace)
  ) {
    throw new BusOptionsError(
      'fullyQualifiedNamespace',
      'must be a host name like contoso.servicebus.windows.net',
    );
  }
  const emulator = /;\s*UseDevelopmentEmulator=true/i.test(options.connectionString ?? '');
  if ((emulator || options.client) && options.provisioner === undefined) {
    throw new BusOptionsError(
      'provisioner',
      'is required with an emulator connection string or an existing client (e.g. preProvisionedTopology)',
    );
  }
  return Object.freeze({
    ...options,
    publishTimeoutMs: checkDurationMs(
      'publishTimeoutMs',
      options.publishTimeoutMs,
      DEFAULT_PUBLISH_TIMEOUT_MS,
    ),
    dedupWindowMs: checkDurationMs('dedupWindowMs', options.dedupWindowMs, DEFAULT_DEDUP_WINDOW_MS),
    operationTimeoutMs: checkDurationMs(
      'operationTimeoutMs',
      options.operationTimeoutMs,
      DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS,
    ),
    retryDelayMs: checkDurationMs(
      'retryDelayMs',
      options.retryDelayMs,
      DEFAULT_SERVICEBUS_RETRY_DELAY_MS,
    ),
    maxLockRenewalMs: checkDurationMs(
      'maxLockRenewalMs',
      options.maxLockRenewalMs,
      DEFAULT_MAX_LOCK_RENEWAL_MS,
    ),
    minLockDurationMs: checkDurationMs(
      'minLockDurationMs',
      options.minLockDurationMs,
      DEFAULT_MIN_LOCK_DURATION_MS,
    ),
  });
}
