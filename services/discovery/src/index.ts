// What other packages use: the CLI starts the app and `status` diffs listings itself.
export { createDiscoveryApp } from './app';
export type { DiscoveryApp, DiscoveryDeps } from './app';
export { diffListings } from './reconcile/diff-listings';
export { TopologyResolver } from './topology/topology-resolver';
export { OBJECT_STATES } from './status/status-model';
export type {
  ObjectState,
  ObjectStatus,
  ObjectsReport,
  ReplicaStatus,
  StatusReport,
  StatusUnavailable,
} from './status/status-model';
