import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

export const DEFAULT_MAX_DELIVERIES = 10;
export const DEFAULT_INGRESS_PORT = 8080;
export const DEFAULT_INGRESS_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_METRICS_PORT = 9464;

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
      })
      .refine(
        (sb) => (sb.fullyQualifiedNamespace === undefined) !== (sb.connectionString === undefined),
        {
          message: 'set exactly one of fullyQualifiedNamespace or connectionString',
        },
      )
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

export const ingressSchema = z
  .strictObject({
    host: z.string().default('0.0.0.0'),
    port: z.int().min(0).max(65535).default(DEFAULT_INGRESS_PORT),
    maxBodyBytes: z.int().positive().default(DEFAULT_INGRESS_MAX_BODY_BYTES),
    auth: z
      .strictObject({
        /** Shared secret Event Grid sends as `?code=` or in the `x-akv-replicator-key` header. */
        sharedSecret: secretRefSchema.optional(),
        /** Entra bearer tokens on Event Grid deliveries (AAD-protected webhook). */
        entra: z
          .strictObject({ issuer: z.url(), audience: z.string().min(1), jwksUri: z.url() })
          .optional(),
        /** Token for `POST /resync`. */
        resyncToken: secretRefSchema.optional(),
      })
      .prefault({}),
  })
  .prefault({});
export type IngressConfig = z.output<typeof ingressSchema>;

export const telemetrySchema = z
  .strictObject({
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Traces and metrics export via the standard OTEL_* variables when enabled. */
    tracing: z.boolean().default(false),
    metricsPort: z.int().min(0).max(65535).default(DEFAULT_METRICS_PORT),
  })
  .prefault({});
export type TelemetryConfig = z.output<typeof telemetrySchema>;
