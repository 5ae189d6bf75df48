// What service mains and the CLI use. ARM access is its own entry (`@akv-replicator/runtime/arm`):
// importing this one never loads the management SDK.
export { openRuntime, runtimeOver } from './runtime';
export type { Runtime, RuntimeOptions } from './runtime';
export type { RuntimeAdapters } from './adapters';
export { azureAdapters, createCredentials, fileSecretSource } from './credentials';
export { openBus } from './open-bus';
export { declaredTopology } from './bus-topology';
export { replicaRegions } from './replica-regions';
export { certificateStores, secretStores, vaultPacers, vaultUriFor } from './stores';
export { SERVICE_NAMES } from './service-names';
export type { ServiceName } from './service-names';
