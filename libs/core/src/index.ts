export { ReplicatorError, ConfigError, MessageValidationError, isReplicatorError } from './errors/errors';
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
export type {
  MessageType,
  MessageData,
  MessageDataInput,
  Topic,
  Envelope,
  AnyEnvelope,
  CreateEnvelopeOptions,
} from './messages/envelope';
