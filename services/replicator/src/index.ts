export { convergeSecret } from './converge/converge-secret';
export type { ConvergePolicy, ConvergeStores } from './converge/converge-secret';
export type { ConvergeResult, ConvergeAction } from './converge/converge-result';
export { readSecretState } from './converge/secret-state';
export type { SecretState } from './converge/secret-state';
