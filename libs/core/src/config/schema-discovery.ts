import { z } from 'zod';

/** A leader that has not renewed for this long loses the lease to the next instance. */
export const DEFAULT_LEADER_LEASE_SECONDS = 15;
/** How often the leader renews (and a follower retries); well inside the lease. */
export const DEFAULT_LEADER_RENEW_SECONDS = 5;
/** Lease name: the NATS KV key (bucket `<bus.nats.prefix>-leases`) or the Kubernetes Lease. */
export const DEFAULT_DISCOVERY_LEASE_NAME = 'akv-replicator-discovery';

/**
 * Several discovery instances (one per region, say) with one leader at a time (issue #21,
 * docs/adr/0022): only the leader reconciles, answers resync commands and fans out vault
 * events; another takes over within `leaseSeconds + renewSeconds` when it dies.
 */
export const discoverySchema = z
  .strictObject({
    leaderElection: z
      .strictObject({
        /**
         * `none`: one instance, always leading (default). `nats`: a JetStream KV lease on the bus's
         * NATS (needs `bus.transport: nats`). `kubernetes-lease`: a coordination.k8s.io Lease in
         * the pod's namespace (in-cluster service account).
         */
        kind: z.enum(['none', 'nats', 'kubernetes-lease']).default('none'),
        leaseSeconds: z.int().min(2).default(DEFAULT_LEADER_LEASE_SECONDS),
        renewSeconds: z.int().min(1).default(DEFAULT_LEADER_RENEW_SECONDS),
        name: z
          .string()
          .regex(
            /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
            'must be a Kubernetes name (lowercase, digits, -)',
          )
          .max(63)
          .default(DEFAULT_DISCOVERY_LEASE_NAME),
        /** kubernetes-lease: the Lease's namespace; default the service account's, else `default`. */
        namespace: z.string().min(1).optional(),
      })
      .prefault({})
      .refine((election) => election.renewSeconds < election.leaseSeconds, {
        message: 'renewSeconds must be shorter than leaseSeconds',
        path: ['renewSeconds'],
      }),
  })
  .prefault({});
export type DiscoveryConfig = z.output<typeof discoverySchema>;
export type LeaderElectionConfig = DiscoveryConfig['leaderElection'];
