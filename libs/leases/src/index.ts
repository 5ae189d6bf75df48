// Leader election: the port, the one-instance implementation and the lease campaign over a
// store (memory here; NATS KV on ./nats, the Kubernetes Lease on ./kubernetes, so a process
// loads a vendor SDK only for the backend it is configured with).
export { AlwaysLeader } from './leader-election';
export type { LeaderElection, LeadershipListener } from './leader-election';
export type { LeaseStore } from './lease-store';
export { LeaseCampaign } from './lease-campaign';
export type { LeaseCampaignOptions } from './lease-campaign';
export { MemoryLeaseStore } from './memory-lease-store';
export { advertisedAddress, candidateIdentity } from './identity';
