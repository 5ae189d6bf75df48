import { z } from 'zod';
import { filtersSchema } from '../config/schema-replication';
import {
  objectKindSchema,
  objectNameSchema,
  objectVersionSchema,
  replicaRefSchema,
  vaultRefSchema,
} from './refs';

/** Key Vault Event Grid event types we act on (suffix of `Microsoft.KeyVault.`). */
export const vaultEventKindSchema = z.enum([
  'SecretNewVersionCreated',
  'SecretNearExpiry',
  'SecretExpired',
  'CertificateNewVersionCreated',
  'CertificateNearExpiry',
  'CertificateExpired',
  'KeyNewVersionCreated',
  'KeyNearExpiry',
  'KeyExpired',
]);
export type VaultEventKind = z.infer<typeof vaultEventKindSchema>;

/** A normalised Key Vault change event, published by ingress on `vault-events`. */
export const vaultEventDataSchema = z.object({
  /** The Event Grid event id: also the bus message id, so redelivered events de-duplicate. */
  eventId: z.string().min(1),
  kind: vaultEventKindSchema,
  objectKind: objectKindSchema,
  vault: vaultRefSchema,
  objectName: objectNameSchema,
  version: objectVersionSchema.optional(),
  /** Validity from the event (Unix seconds), null when the object has none. */
  notBefore: z.number().nullable().optional(),
  expires: z.number().nullable().optional(),
  /** When the event was raised (ISO 8601). */
  eventTime: z.iso.datetime({ offset: true }),
  /** Which ingress input delivered it. */
  input: z.enum(['webhook', 'eventhubs', 'servicebus-queue', 'emulator']),
});
export type VaultEventData = z.infer<typeof vaultEventDataSchema>;

/**
 * A request to reconcile now: everything, one vault, or one object in one vault. Anyone may
 * publish it on `resync-commands` (CLI, HTTP `POST /resync`, any bus client).
 */
export const resyncCommandDataSchema = z
  .object({
    resyncId: z.string().min(1),
    /** Source vault name; omitted means every configured source. */
    vault: z.string().min(1).optional(),
    /** Object name within `vault`; requires `vault`. */
    objectName: objectNameSchema.optional(),
    objectKinds: z
      .array(z.enum(['secret', 'certificate']))
      .min(1)
      .default(['secret', 'certificate']),
    dryRun: z.boolean().default(false),
    requestedBy: z.string().min(1).default('unknown'),
    requestedAt: z.iso.datetime({ offset: true }),
  })
  .refine((cmd) => cmd.objectName === undefined || cmd.vault !== undefined, {
    message: 'objectName requires vault',
    path: ['objectName'],
  });
export type ResyncCommandData = z.infer<typeof resyncCommandDataSchema>;

/** Why a task exists: it is a hint (DESIGN principle 1), this says where the hint came from. */
export const triggerSchema = z.object({
  kind: z.enum(['event', 'reconcile', 'resync']),
  /** The event id, reconcile run id or resync id. */
  id: z.string().min(1),
});
export type Trigger = z.infer<typeof triggerSchema>;

/**
 * Converge one object in one replica. Names the object and the replica, never the value:
 * the worker reads current source and replica state itself.
 */
const objectTaskShape = {
  taskId: z.string().min(1),
  link: z.string().min(1),
  source: vaultRefSchema,
  objectName: objectNameSchema,
  /** The source version that prompted the task, when known (events know it; listings don't). */
  sourceVersion: objectVersionSchema.optional(),
  replica: replicaRefSchema,
  /** Name of the object at the replica (same as objectName unless a mapping applies). */
  replicaObjectName: objectNameSchema.optional(),
  trigger: triggerSchema,
  /** What the diff saw; advisory only — the worker re-reads state before acting. */
  drift: z
    .enum(['missing', 'version', 'attributes', 'deleted-at-source', 'unknown'])
    .default('unknown'),
  /** two-way: the replica's own newer writes win and echoes of our writes are dropped. */
  linkMode: z.enum(['one-way', 'two-way']).default('one-way'),
  /** The link's filters: re-checked by the worker against the real tags and content type. */
  filters: filtersSchema.optional(),
  deletionPolicy: z.enum(['keep', 'delete']).default('keep'),
  /**
   * `history: enabledVersions` of the link: how many older enabled source versions a first sync
   * copies (oldest first) before the latest; 0 (the default) copies the latest only.
   */
  historyVersions: z.int().min(0).default(0),
  dryRun: z.boolean().default(false),
};
export const secretTaskDataSchema = z.object(objectTaskShape);
export type SecretTaskData = z.infer<typeof secretTaskDataSchema>;
export const certificateTaskDataSchema = z.object(objectTaskShape);
export type CertificateTaskData = z.infer<typeof certificateTaskDataSchema>;

/** The result of one unit of work, published on `outcomes` by every worker. */
export const outcomeDataSchema = z.object({
  outcomeId: z.string().min(1),
  status: z.enum(['success', 'warning', 'failure']),
  /** What was done, e.g. created, updated, unchanged, disabled, deleted, recovered, skipped. */
  action: z.string().min(1),
  service: z.string().min(1),
  link: z.string().min(1).optional(),
  objectKind: objectKindSchema.optional(),
  objectName: objectNameSchema.optional(),
  source: vaultRefSchema.optional(),
  replica: replicaRefSchema.optional(),
  taskId: z.string().min(1).optional(),
  trigger: triggerSchema.optional(),
  /** Human-readable reason; never contains a secret value. */
  reason: z.string().optional(),
  /** Machine-readable error code when status is failure or warning. */
  code: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  /** Source version created → replica written, when a value was replicated. */
  lagMs: z.number().nonnegative().optional(),
  dryRun: z.boolean().default(false),
  /** Tallies of a planning step (reconcile, resync): tasks, inSync, filtered, … */
  counts: z.record(z.string(), z.number()).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type OutcomeData = z.infer<typeof outcomeDataSchema>;
