// Public API of @akv-replicator/keyvault-emulator. Named exports only.
export { startEmulator, KeyVaultEmulator } from './emulator';
export type { EmulatorClientOptions, VaultInfo } from './emulator-types';
export {
  DEFAULT_TENANT_ID,
  DEFAULT_SUBSCRIPTION_ID,
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_REGION,
  DEFAULT_RECOVERABLE_DAYS,
  DEFAULT_EXPIRY_CHECK_INTERVAL_MS,
  DEFAULT_LIFECYCLE_DELAY_MS,
} from './emulator-options';
export type { EmulatorOptions, VaultSpec } from './emulator-options';
export { StaticTokenCredential } from './static-token-credential';
export { KEY_VAULT_ROLES, roleDefinitionResourceId } from './rbac/role-definitions';
export type { RoleDefinition } from './rbac/role-definitions';
export { principalOf } from './rbac/principal';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export {
  DEFAULT_THROTTLE_WINDOW_MS,
  DEFAULT_MAX_TRANSACTIONS_PER_WINDOW,
  DEFAULT_MAX_SECRET_CREATES_PER_WINDOW,
} from './throttling/throttle';
export type { ThrottlingOptions } from './throttling/throttle';
export { FaultInjector } from './faults/fault-injector';
export type { FaultScope, ErrorRateFault, FaultState } from './faults/fault-injector';
export type { OfflineMode } from './http/listening-server';
export { EventGridHub } from './eventgrid/event-grid-hub';
export type { DeliveryAttempt } from './eventgrid/event-grid-hub';
export type { DeadLetteredEvent } from './eventgrid/dead-letter';
export { WebhookValidationError, EVENT_GRID_ORIGIN } from './eventgrid/webhook-client';
export {
  DEFAULT_MAX_DELIVERY_ATTEMPTS,
  DEFAULT_RETRY_SCHEDULE_SCALE,
  DEFAULT_RETRY_MAX_DELAY_MS,
  NEAR_EXPIRY_WINDOW_MS,
} from './eventgrid/subscription-options';
export type {
  WebhookSubscriptionOptions,
  EventDeliverySchema,
  DeliveryRetryOptions,
  DeliveryChaosOptions,
  DeadLetterOptions,
  KeyVaultPayloadStyle,
} from './eventgrid/subscription-options';
export {
  DOCUMENTED_RETRY_SCHEDULE_MS,
  DOCUMENTED_MAX_DELIVERY_ATTEMPTS,
  DOCUMENTED_EVENT_TTL_MINUTES,
} from './eventgrid/delivery-policy';
export type { DeadLetterReason, DeadLetterProperties } from './eventgrid/delivery-policy';
export type {
  EventHubDestination,
  ServiceBusQueueDestination,
} from './eventgrid/messaging-destination';
export type { KeyVaultEventType, KeyVaultEventData } from './eventgrid/event-shapes';
export { runEmulatorCli, readyLine } from './cli';
export type { EmulatorCliIo } from './cli';
export { parseEmulatorArgs, CliUsageError, EMULATOR_USAGE } from './cli-args';
