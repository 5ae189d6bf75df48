export { convergeSecret } from './converge/converge-secret';
export type { ConvergePolicy, ConvergeStores } from './converge/converge-secret';
export type { ConvergeResult, ConvergeAction } from './converge/converge-result';
export { readSecretState } from './converge/secret-state';
export type { SecretState } from './converge/secret-state';
export {
  createReplicatorApp,
  DEFAULT_REPLICATOR_CONCURRENCY,
  DEFAULT_RETRY_DELAYS_MS,
} from './app';
export type { ReplicatorApp, ReplicatorDeps, ReplicatorOptions } from './app';
export { createSecretTaskHandler, REPLICATOR_SOURCE } from './handlers/secret-task-handler';
export type { SecretTaskHandlerDeps } from './handlers/secret-task-handler';
export { KeyedLock } from '@akv-replicator/core';
