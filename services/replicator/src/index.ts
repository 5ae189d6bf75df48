export { createReplicatorApp, DEFAULT_REPLICATOR_CONCURRENCY } from './app';
export type { ReplicatorDeps } from './app';
