export {
  createIngressServer,
  EVENTGRID_PATH,
  RESYNC_PATH,
  INGRESS_SOURCE,
} from './http/ingress-server';
export type { IngressServerOptions } from './http/ingress-server';
export { createIngressHttp } from './http/ingress-from-config';
export type { IngressHttpDeps } from './http/ingress-from-config';
export {
  createDeliveryAuthenticator,
  entraFromJwksUri,
  secretsEqual,
  SHARED_SECRET_HEADER,
  SHARED_SECRET_QUERY,
} from './auth/delivery-auth';
export type {
  RequestAuthenticator,
  AuthDecision,
  EntraSettings,
  RefusalCause,
} from './auth/delivery-auth';
export { createResyncAuthenticator, UnsafeResyncConfigError } from './auth/resync-auth';
export type { ResyncAuthSettings } from './auth/resync-auth';
export {
  createRefusalReporter,
  DEFAULT_REFUSAL_REPORT_INTERVAL_MS,
  REFUSAL_OUTCOME_CODE,
} from './auth/refusal-reporter';
export type { RefusalReporter, Refusal, RefusedEndpoint } from './auth/refusal-reporter';
export { LIKELY_CAUSES } from './auth/refusal-causes';
export type { IngressRefusalCause } from './auth/refusal-causes';
export { normaliseEvent, KEY_VAULT_EVENT_PREFIX } from './eventgrid/normalise';
export { parseDelivery, parseMessageBody } from './eventgrid/parse-delivery';
export type { Delivery } from './eventgrid/parse-delivery';
export { createEventIntake, traceparentOf } from './intake/event-intake';
export type {
  EventIntake,
  IntakeOutcome,
  IntakeContext,
  IngressInputName,
} from './intake/event-intake';
export type { IngressInput } from './inputs/ingress-input';
export {
  ServiceBusQueueInput,
  DEFAULT_QUEUE_CONCURRENCY,
  DEFAULT_QUEUE_DRAIN_TIMEOUT_MS,
  MALFORMED_EVENT_REASON,
} from './inputs/servicebus-queue-input';
export type { ServiceBusQueueInputOptions, QueueConnection } from './inputs/servicebus-queue-input';
export {
  EventHubsInput,
  DEFAULT_EVENTHUBS_MAX_BATCH_SIZE,
  DEFAULT_EVENTHUBS_MAX_WAIT_SECONDS,
  DEFAULT_EVENTHUBS_DRAIN_TIMEOUT_MS,
  DEFAULT_EVENTHUBS_PUBLISH_RETRY_MS,
} from './inputs/eventhubs-input';
export type {
  EventHubsInputOptions,
  EventHubConnection,
  CheckpointContainer,
} from './inputs/eventhubs-input';
export { createIngressInputs } from './inputs/create-inputs';
export type { IngressInputDeps } from './inputs/create-inputs';
