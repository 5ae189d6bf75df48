export {
  ReplicatorError,
  ConfigError,
  MessageValidationError,
  isReplicatorError,
} from './errors/errors';
export type { ConfigIssue } from './errors/errors';
export {
  OBJECT_NAME_PATTERN,
  OBJECT_VERSION_PATTERN,
  vaultNameSchema,
  objectNameSchema,
  objectVersionSchema,
  vaultRefSchema,
  replicaRefSchema,
  objectKindSchema,
  objectRefSchema,
  parseObjectId,
} from './messages/refs';
export type { VaultRef, ReplicaRef, ObjectKind, ObjectRef } from './messages/refs';
export {
  vaultEventKindSchema,
  vaultEventDataSchema,
  resyncCommandDataSchema,
  triggerSchema,
  secretTaskDataSchema,
  certificateTaskDataSchema,
  outcomeDataSchema,
} from './messages/data';
export type {
  VaultEventKind,
  VaultEventData,
  ResyncCommandData,
  Trigger,
  SecretTaskData,
  CertificateTaskData,
  OutcomeData,
} from './messages/data';
export {
  MESSAGE_SCHEMAS,
  TOPICS,
  createEnvelope,
  parseEnvelope,
  encodeEnvelope,
} from './messages/envelope';
export { SUBSCRIPTIONS } from './messages/subscriptions';
export { nextStep } from './messages/next-step';
export type {
  MessageType,
  MessageData,
  MessageDataInput,
  Topic,
  Envelope,
  AnyEnvelope,
  CreateEnvelopeOptions,
} from './messages/envelope';
export {
  checkVaultName,
  resolveNamingPattern,
  unknownPlaceholders,
  NAMING_PLACEHOLDERS,
  DEFAULT_NAMING_PATTERN,
} from './naming/naming-pattern';
export type { NamingResult, NamingPlaceholder } from './naming/naming-pattern';
export {
  PROVENANCE_TAG,
  MAX_TAGS_PER_OBJECT,
  MAX_TAG_VALUE_LENGTH,
  encodeProvenance,
  readProvenance,
  replicaTags,
  withoutProvenance,
} from './provenance/provenance';
export type { Provenance, ReplicaTagsResult } from './provenance/provenance';
export { compileFilter } from './filters/object-filter';
export type {
  FilterCriteria,
  ObjectFilters,
  FilterableObject,
  FilterDecision,
  CompiledFilter,
} from './filters/object-filter';
export { taskIdempotencyKey } from './tasks/idempotency-key';
export type { TaskIdentity } from './tasks/idempotency-key';
export { configSchema } from './config/schema';
export type { Config, ConfigInput } from './config/schema';
export { secretRefSchema, resolveSecretRef, processSecretSource } from './config/secret-ref';
export type { SecretRef, SecretSource } from './config/secret-ref';
export {
  loadConfigText,
  loadConfigFile,
  MAX_ALIAS_COUNT,
  MAX_CONFIG_BYTES,
} from './config/load-config';
export type { LoadedConfig, LoadConfigOptions } from './config/load-config';
export { ENV_PREFIX, applyEnvOverrides } from './config/env-overrides';
export { formatIssuePath } from './config/issue-path';
export {
  KEY_VAULT_TRANSACTIONS_PER_10S,
  KEY_VAULT_SECRET_CREATES_PER_10S,
  DEFAULT_SOURCE_SHARE,
  DEFAULT_REPLICA_SHARE,
  DEFAULT_RECONCILE_SCHEDULE,
  DEFAULT_MAX_DELETE_PERCENT,
  DEFAULT_DELETE_GUARD_MIN_OBJECTS,
  DEFAULT_HISTORY_MAX_VERSIONS,
} from './config/schema-replication';
export {
  DEFAULT_ARM_ENDPOINT,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_TENANT_KEY,
} from './config/schema-azure';
export type { TenantAuth, TenantConfig, AzureConfig } from './config/schema-azure';
export type {
  DestinationConfig,
  SourceSelectionConfig,
  LinkConfig,
} from './config/schema-topology';
export type { NotificationsConfig } from './config/schema-notifications';
export {
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_INGRESS_PORT,
  DEFAULT_INGRESS_MAX_BODY_BYTES,
  DEFAULT_INGRESS_MAX_CONNECTIONS,
  DEFAULT_INGRESS_HEADERS_TIMEOUT_SECONDS,
  DEFAULT_INGRESS_BODY_TIMEOUT_SECONDS,
  DEFAULT_INGRESS_REFUSAL_REPORT_INTERVAL_SECONDS,
  isLoopbackHost,
  DEFAULT_METRICS_PORT,
  DEFAULT_EVENTHUBS_CONSUMER_GROUP,
  DEFAULT_EVENTHUBS_UPDATE_INTERVAL_SECONDS,
  DEFAULT_EVENTHUBS_OWNERSHIP_EXPIRATION_SECONDS,
} from './config/schema-runtime';
export { DEFAULT_STATUS_PORT, DEFAULT_STATUS_REFRESH_SECONDS } from './config/schema-status';
export {
  DEFAULT_DISCOVERY_LEASE_NAME,
  DEFAULT_LEADER_LEASE_SECONDS,
  DEFAULT_LEADER_RENEW_SECONDS,
} from './config/schema-discovery';
export type { DiscoveryConfig, LeaderElectionConfig } from './config/schema-discovery';
export type { StatusConfig } from './config/schema-status';
export type {
  BusConfig,
  IngressConfig,
  IngressInputsConfig,
  EventHubsInputConfig,
  ServiceBusQueueInputConfig,
  TelemetryConfig,
} from './config/schema-runtime';
export { resolveTopology } from './topology/resolve-topology';
export { regionKey } from './topology/region-key';
export { findLinkConflicts, inOtherSubscription } from './topology/link-conflicts';
export type { LinkConflict, LinkConflictKind } from './topology/link-conflicts';
export {
  DESTINATION_TAG,
  selectVaults,
  expandSelection,
  parseDestinationTag,
} from './topology/select-vaults';
export type { ArmVault, ExpandResult } from './topology/select-vaults';
export type {
  ResolvedVault,
  ResolvedReplica,
  ReplicationOnly,
  ResolvedLink,
  LinkBehaviour,
  DynamicSelection,
  Topology,
} from './topology/topology';
export { silentLogger, MemoryLogger } from './logging/logger';
export type { Logger, LogFields } from './logging/logger';
export { KeyedLock } from './concurrency/keyed-lock';
export {
  convergeSuccess,
  convergeWarning,
  convergeFailure,
  convergeWouldDo,
} from './converge/converge-result';
export type {
  ConvergeAction,
  ConvergeResult,
  DryRunAction,
  WriteAction,
} from './converge/converge-result';
export {
  METER_NAME,
  METRIC_NAMES,
  LAG_BUCKETS_SECONDS,
  instruments,
  registerBacklogSource,
} from './telemetry/instruments';
export type { AkvrInstruments, BacklogSample } from './telemetry/instruments';
export {
  recordPublished,
  recordIngressEvent,
  recordIngressRefusal,
  recordKeyVaultRequest,
  recordKeyVaultBackoff,
  recordReconcileFailure,
  envelopeAttributes,
} from './telemetry/record';
export type { IngressEventOutcome } from './telemetry/record';
export { runInSpan } from './telemetry/run-in-span';
export type { ServiceApp } from './service/service-app';
export { systemClock } from './clock/system-clock';
export { sleepOnTimers } from './clock/clock';
export type { Clock, TimerHandle } from './clock/clock';
export {
  exponentialBackoff,
  steppedBackoff,
  mayRetry,
  nominalDelayMs,
  nominalDelaysMs,
  retryDelayMs,
} from './retry/retry-policy';
export type { RetryPolicy, RetrySchedule } from './retry/retry-policy';
export {
  KEY_VAULT_THROTTLE_RETRY,
  BUS_REDELIVERY_RETRY,
  CONVERGE_TASK_RETRY,
  BROKER_PUBLISH_RETRY,
  NOTIFICATION_DELIVERY_RETRY,
  CERTIFICATE_PUSH_RETRY,
  WATCH_RESTART_RETRY,
} from './retry/policies';
export { retry, RetryGaveUpError } from './retry/retry';
export type { RetryOptions, GiveUpReason } from './retry/retry';
