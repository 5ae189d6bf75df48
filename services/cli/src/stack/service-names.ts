// The names live with the runtime, which sizes a process's Key Vault share by what it runs.
export { SERVICE_NAMES, type ServiceName } from '@akv-replicator/runtime';
