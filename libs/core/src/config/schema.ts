import { z } from 'zod';
import { azureSchema, tenantSchema } from './schema-azure';
import { certManagerSchema } from './schema-cert-manager';
import { discoverySchema } from './schema-discovery';
import { notificationsSchema } from './schema-notifications';
import { replicationSchema } from './schema-replication';
import { busSchema, ingressSchema, telemetrySchema } from './schema-runtime';
import { statusSchema } from './schema-status';
import { linkSchema, sourceSelectionSchema } from './schema-topology';

/**
 * The whole configuration: one YAML document (what `akv-replicator manifests` puts in its ConfigMap).
 * Every object is strict, so a misspelt key is an error that names its path.
 */
export const configSchema = z
  .strictObject({
    tenants: z.record(z.string().min(1), tenantSchema).default({}),
    azure: azureSchema,
    /** Selection-based sources (specific / all / allExcept), resolved against ARM. */
    sources: z.array(sourceSelectionSchema).default([]),
    /** Explicit source → replicas links. */
    links: z.array(linkSchema).default([]),
    replication: replicationSchema,
    bus: busSchema,
    ingress: ingressSchema,
    notifications: notificationsSchema,
    telemetry: telemetrySchema,
    /** Several discovery instances with one leader (leader election); one instance by default. */
    discovery: discoverySchema,
    /** Discovery's read-only status endpoint and page; off when absent. */
    status: statusSchema,
    /** cert-manager TLS Secrets → Key Vault certificates (certificate-converter); off when absent. */
    certManager: certManagerSchema,
  })
  .superRefine((config, ctx) => {
    // The NATS lease lives on the bus's own NATS: no other connection is configured for it.
    if (config.discovery.leaderElection.kind === 'nats' && config.bus.transport !== 'nats')
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'leaderElection', 'kind'],
        message: `nats keeps the lease on the bus's NATS: needs bus.transport nats, not ${config.bus.transport}`,
      });
  });

/** A validated, defaulted configuration. */
export type Config = z.output<typeof configSchema>;
/** What a user writes. */
export type ConfigInput = z.input<typeof configSchema>;
