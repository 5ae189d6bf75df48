import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

export const DEFAULT_MAX_DELIVERIES = 10;
export const DEFAULT_INGRESS_PORT = 8080;
export const DEFAULT_INGRESS_MAX_BODY_BYTES = 1024 * 1024;
/** Open HTTP connections the ingress holds at once; more are dropped at accept. */
export const DEFAULT_INGRESS_MAX_CONNECTIONS = 256;
/** A request's headers must arrive within this (slowloris). */
export const DEFAULT_INGRESS_HEADERS_TIMEOUT_SECONDS = 10;
/** A whole request, body included, must arrive within this (Event Grid itself waits 30 s). */
export const DEFAULT_INGRESS_BODY_TIMEOUT_SECONDS = 20;
/** At most one notification per refusal cause per this many seconds. */
export const DEFAULT_INGRESS_REFUSAL_REPORT_INTERVAL_SECONDS = 300;

/** Loopback hosts: the only ones an unauthenticated `POST /resync` may listen on. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
export const DEFAULT_METRICS_PORT = 9464;

/** Exactly one of the two ways to reach an Azure messaging namespace. */
function oneNamespaceCredential(value: {
  fullyQualifiedNamespace?: string | undefined;
  connectionString?: unknown;
}): boolean {
  return (value.fullyQualifiedNamespace === undefined) !== (value.connectionString === undefined);
}
const NAMESPACE_CREDENTIAL_MESSAGE =
  'set exactly one of fullyQualifiedNamespace or connectionString';

export const busSchema = z
  .strictObject({
    /** memory: one process (embedded default); nats: self-hosted; servicebus: Azure. */
    transport: z.enum(['memory', 'nats', 'servicebus']).default('memory'),
    maxDeliveries: z.int().min(1).default(DEFAULT_MAX_DELIVERIES),
    nats: z
      .strictObject({
        servers: z.array(z.string().min(1)).min(1),
        /** Prefix of stream and subject names, so several installations share a server. */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .default('akvr'),
        credentialsFile: secretRefSchema.optional(),
        token: secretRefSchema.optional(),
      })
      .optional(),
    serviceBus: z
      .strictObject({
        /** `<name>.servicebus.windows.net`, authenticated with the tenant's credential. */
        fullyQualifiedNamespace: z.string().min(1).optional(),
        connectionString: secretRefSchema.optional(),
        tenant: z.string().min(1).optional(),
        /**
         * create: topics and subscriptions are created at start through the administration API
         * (needs Manage rights); deployed: they exist already (Bicep, or the official emulator's
         * Config.json from `akv-replicator servicebus-topology`), nothing is created.
         */
        topology: z.enum(['create', 'deployed']).default('create'),
      })
      .refine(oneNamespaceCredential, { message: NAMESPACE_CREDENTIAL_MESSAGE })
      .optional(),
  })
  .prefault({})
  .superRefine((bus, ctx) => {
    if (bus.transport === 'nats' && !bus.nats) {
      ctx.addIssue({
        code: 'custom',
        path: ['nats'],
        message: 'transport nats needs bus.nats.servers',
      });
    }
    if (bus.transport === 'servicebus' && !bus.serviceBus) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceBus'],
        message: 'transport servicebus needs bus.serviceBus',
      });
    }
  });
export type BusConfig = z.output<typeof busSchema>;

export const DEFAULT_EVENTHUBS_CONSUMER_GROUP = '$Default';
/** The Event Hubs SDK's defaults: claims renewed every 10 s, expired after 60 s. */
export const DEFAULT_EVENTHUBS_UPDATE_INTERVAL_SECONDS = 10;
export const DEFAULT_EVENTHUBS_OWNERSHIP_EXPIRATION_SECONDS = 60;

const eventHubsInputSchema = z
  .strictObject({
    /** `<name>.servicebus.windows.net`, authenticated with the tenant's credential. */
    fullyQualifiedNamespace: z.string().min(1).optional(),
    connectionString: secretRefSchema.optional(),
    eventHubName: z.string().min(1),
    consumerGroup: z.string().min(1).default(DEFAULT_EVENTHUBS_CONSUMER_GROUP),
    tenant: z.string().min(1).optional(),
    /**
     * Partition ownership between ingress replicas: claims are renewed every
     * `updateIntervalSeconds` and expire after `ownershipExpirationSeconds`, after which
     * another replica takes over the partitions of one that died.
     */
    loadBalancing: z
      .strictObject({
        updateIntervalSeconds: z
          .number()
          .positive()
          .default(DEFAULT_EVENTHUBS_UPDATE_INTERVAL_SECONDS),
        ownershipExpirationSeconds: z
          .number()
          .positive()
          .default(DEFAULT_EVENTHUBS_OWNERSHIP_EXPIRATION_SECONDS),
      })
      .refine((lb) => lb.ownershipExpirationSeconds > lb.updateIntervalSeconds, {
        message: 'ownershipExpirationSeconds must exceed updateIntervalSeconds',
      })
      .prefault({}),
    /** Where partition ownership and checkpoints live (Azure Storage blobs). */
    checkpointStore: z
      .strictObject({
        /** `https://<account>.blob.core.windows.net/<container>`, with the tenant's credential. */
        blobContainerUrl: z.url().optional(),
        connectionString: secretRefSchema.optional(),
        containerName: z.string().min(3).max(63).optional(),
      })
      .superRefine((store, ctx) => {
        const byUrl = store.blobContainerUrl !== undefined;
        const byConnection = store.connectionString !== undefined;
        if (byUrl === byConnection)
          ctx.addIssue({
            code: 'custom',
            message: 'set exactly one of blobContainerUrl or connectionString (+ containerName)',
          });
        else if (byConnection && store.containerName === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['containerName'],
            message: 'connectionString needs containerName',
          });
        else if (byUrl && store.containerName !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['containerName'],
            message: 'containerName goes with connectionString; blobContainerUrl names it already',
          });
      }),
  })
  .refine(oneNamespaceCredential, { message: NAMESPACE_CREDENTIAL_MESSAGE });

const serviceBusQueueInputSchema = z
  .strictObject({
    fullyQualifiedNamespace: z.string().min(1).optional(),
    connectionString: secretRefSchema.optional(),
    queueName: z.string().min(1),
    tenant: z.string().min(1).optional(),
  })
  .refine(oneNamespaceCredential, { message: NAMESPACE_CREDENTIAL_MESSAGE });

/** Where Event Grid deliveries come from: the webhook, and/or pulled from Azure messaging. */
export const ingressInputsSchema = z
  .strictObject({
    webhook: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    eventHubs: z.array(eventHubsInputSchema).optional(),
    serviceBusQueues: z.array(serviceBusQueueInputSchema).optional(),
  })
  .prefault({});
export type IngressInputsConfig = z.output<typeof ingressInputsSchema>;
export type EventHubsInputConfig = z.output<typeof eventHubsInputSchema>;
export type ServiceBusQueueInputConfig = z.output<typeof serviceBusQueueInputSchema>;

export const ingressSchema = z
  .strictObject({
    inputs: ingressInputsSchema,
    host: z.string().default('0.0.0.0'),
    port: z.int().min(0).max(65535).default(DEFAULT_INGRESS_PORT),
    maxBodyBytes: z.int().positive().default(DEFAULT_INGRESS_MAX_BODY_BYTES),
    maxConnections: z.int().positive().default(DEFAULT_INGRESS_MAX_CONNECTIONS),
    headersTimeoutSeconds: z.number().positive().default(DEFAULT_INGRESS_HEADERS_TIMEOUT_SECONDS),
    bodyTimeoutSeconds: z.number().positive().default(DEFAULT_INGRESS_BODY_TIMEOUT_SECONDS),
    /** Refused requests are counted always, notified at most once per cause per interval. */
    refusalReportIntervalSeconds: z
      .number()
      .positive()
      .default(DEFAULT_INGRESS_REFUSAL_REPORT_INTERVAL_SECONDS),
    auth: z
      .strictObject({
        /** Shared secret Event Grid sends as `?code=` or in the `x-akv-replicator-key` header. */
        sharedSecret: secretRefSchema.optional(),
        /** Entra bearer tokens on Event Grid deliveries (AAD-protected webhook). */
        entra: z
          .strictObject({ issuer: z.url(), audience: z.string().min(1), jwksUri: z.url() })
          .optional(),
        /** Token for `POST /resync`: its own, never the webhook's. Unset: `/resync` is closed. */
        resyncToken: secretRefSchema.optional(),
        /** `POST /resync` without credentials; only with `host` on loopback and no resyncToken. */
        allowUnauthenticatedResync: z.boolean().default(false),
      })
      .prefault({}),
  })
  .superRefine((ingress, ctx) => {
    if (ingress.headersTimeoutSeconds > ingress.bodyTimeoutSeconds)
      ctx.addIssue({
        code: 'custom',
        path: ['headersTimeoutSeconds'],
        message: 'must not exceed bodyTimeoutSeconds (the body timeout covers the headers too)',
      });
    if (!ingress.auth.allowUnauthenticatedResync) return;
    if (ingress.auth.resyncToken !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'allowUnauthenticatedResync'],
        message: 'set either resyncToken or allowUnauthenticatedResync, not both',
      });
    if (!isLoopbackHost(ingress.host))
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'allowUnauthenticatedResync'],
        message: `only allowed with ingress.host on loopback (127.0.0.1, ::1, localhost), not ${ingress.host}`,
      });
  })
  .prefault({});
export type IngressConfig = z.output<typeof ingressSchema>;

export const telemetrySchema = z
  .strictObject({
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Traces and metrics export via the standard OTEL_* variables when enabled. */
    tracing: z.boolean().default(false),
    metricsPort: z.int().min(0).max(65535).default(DEFAULT_METRICS_PORT),
    /**
     * A trace UI's address for one trace, `{traceId}` replaced by the W3C trace id (e.g. Jaeger's
     * `http://localhost:16686/trace/{traceId}`): the status page links each object's last task.
     */
    traceUrlTemplate: z
      .string()
      .refine((t) => /^https?:\/\//i.test(t) && t.includes('{traceId}') && URL.canParse(t), {
        message: 'must be an http(s) URL containing {traceId}',
      })
      .optional(),
  })
  .prefault({});
export type TelemetryConfig = z.output<typeof telemetrySchema>;
