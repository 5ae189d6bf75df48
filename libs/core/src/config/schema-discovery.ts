import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

/** A leader that has not renewed for this long loses the lease to the next instance. */
export const DEFAULT_LEADER_LEASE_SECONDS = 15;
/** How often the leader renews (and a follower retries); well inside the lease. */
export const DEFAULT_LEADER_RENEW_SECONDS = 5;
/** Lease name: the NATS KV key (bucket `<bus.nats.prefix>-leases`), the Kubernetes Lease or the blob. */
export const DEFAULT_DISCOVERY_LEASE_NAME = 'akv-replicator-discovery';

/**
 * A blob lease lasts 15 to 60 seconds or forever (which a dead holder never gives back):
 * https://learn.microsoft.com/rest/api/storageservices/lease-blob (`x-ms-lease-duration`).
 */
const BLOB_LEASE_SECONDS = { min: 15, max: 60 } as const;

/** `kind: azure-blob`: the container holding the lease blob (`name`), as the Event Hubs checkpoints. */
const azureBlobLeaseSchema = z
  .strictObject({
    /** `https://<account>.blob.core.windows.net/<container>`, with the tenant's credential. */
    blobContainerUrl: z.url().optional(),
    /** The tenant whose credential reads `blobContainerUrl`; default the default tenant. */
    tenant: z.string().min(1).optional(),
    connectionString: secretRefSchema.optional(),
    containerName: z.string().min(3).max(63).optional(),
  })
  .superRefine((store, ctx) => {
    if ((store.blobContainerUrl === undefined) === (store.connectionString === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of blobContainerUrl or connectionString (+ containerName)',
      });
    else if (store.connectionString !== undefined && store.containerName === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['containerName'],
        message: 'connectionString needs containerName',
      });
  });

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
         * the pod's namespace (in-cluster service account). `azure-blob`: an Azure Storage blob
         * lease (`azureBlob`), for Service Bus deployments without Kubernetes (Container Apps).
         */
        kind: z.enum(['none', 'nats', 'kubernetes-lease', 'azure-blob']).default('none'),
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
        /** azure-blob: where the lease blob lives. */
        azureBlob: azureBlobLeaseSchema.optional(),
      })
      .prefault({})
      .refine((election) => election.renewSeconds < election.leaseSeconds, {
        message: 'renewSeconds must be shorter than leaseSeconds',
        path: ['renewSeconds'],
      })
      .superRefine((election, ctx) => {
        if (election.kind !== 'azure-blob') return;
        if (election.azureBlob === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['azureBlob'],
            message:
              'azure-blob needs azureBlob (blobContainerUrl, or connectionString + containerName)',
          });
        const { min, max } = BLOB_LEASE_SECONDS;
        if (election.leaseSeconds < min || election.leaseSeconds > max)
          ctx.addIssue({
            code: 'custom',
            path: ['leaseSeconds'],
            message: `an Azure Storage blob lease lasts ${min} to ${max} seconds, not ${election.leaseSeconds}`,
          });
      }),
  })
  .prefault({});
export type DiscoveryConfig = z.output<typeof discoverySchema>;
export type LeaderElectionConfig = DiscoveryConfig['leaderElection'];
