// The Kubernetes Lease election (loads @kubernetes/client-node only for its users).
export { LeaseElection } from './lease-election';
export type { LeaseElectionOptions } from './lease-election';
export { SERVICE_ACCOUNT_NAMESPACE_FILE, inClusterKubeConfig, podNamespace } from './in-cluster';
