export { connectServiceBusBus } from './connect-servicebus-bus';
export { ServiceBusBus } from './servicebus-bus';
export {
  DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS,
  DEFAULT_SERVICEBUS_RETRY_DELAY_MS,
  DEFAULT_SERVICEBUS_MAX_RETRY_DELAY_MS,
  DEFAULT_MAX_LOCK_RENEWAL_MS,
  DEFAULT_MIN_LOCK_DURATION_MS,
  resolveServiceBusBusOptions,
} from './servicebus-options';
export type {
  ServiceBusBusOptions,
  ResolvedServiceBusBusOptions,
  DeclaredSubscription,
} from './servicebus-options';
export {
  administrationClientProvisioner,
  preProvisionedTopology,
  AZURE_MIN_LOCK_MS,
  AZURE_MAX_LOCK_MS,
  AZURE_MIN_DEDUP_WINDOW_MS,
} from './topology';
export type { TopologyProvisioner, TopicSpec, SubscriptionSpec } from './topology';
export { ServiceBusTransportError, translateServiceBusError } from './errors';
export type { ErrorSite } from './errors';
export { laneSubscriptionName, laneSqlFilter, MAX_SUBSCRIPTION_NAME_LENGTH } from './lane-naming';
export { PROPERTY as SERVICEBUS_PROPERTIES } from './property-names';
export { emulatorTopologyFor, deployedTopology } from './emulator-config';
export type { DeclaredTopology, EmulatorTopologyDocument } from './emulator-config';
