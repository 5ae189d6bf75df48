export { createDiscoveryApp, DISCOVERY_SUBSCRIPTION } from './app';
export type { DiscoveryApp, DiscoveryDeps } from './app';
export { Reconciler } from './reconcile/reconciler';
export type {
  ReconcileScope,
  ReconcileSummary,
  SecretStoreProvider,
  ReconcilerOptions,
} from './reconcile/reconciler';
export { diffListings, deletionBreaker } from './reconcile/diff-listings';
export type { DiffReport, DriftEntry, Drift, DiffOptions } from './reconcile/diff-listings';
export { publishTask, DISCOVERY_SOURCE } from './reconcile/task-planner';
export { TopologyResolver } from './topology/topology-resolver';
export type { ResolvedTopology, TopologyWarning } from './topology/topology-resolver';
export { directLinks } from './topology/directed-link';
export type { DirectedLink } from './topology/directed-link';
export {
  DeadLetterWatcher,
  DEFAULT_DEAD_LETTER_CHECK_MS,
  WATCHED_TOPICS,
} from './dead-letters/dead-letter-watcher';
