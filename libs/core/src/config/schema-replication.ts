import { z } from 'zod';
import { Cron } from 'croner';

/** Key Vault service limits per vault per 10 s (DESIGN principle 7). */
export const KEY_VAULT_TRANSACTIONS_PER_10S = 4000;
export const KEY_VAULT_SECRET_CREATES_PER_10S = 300;
/**
 * Share of a source vault's limits replication may use: the source serves production
 * applications, which must never be throttled by replication (DESIGN principle 10).
 */
export const DEFAULT_SOURCE_SHARE = 0.5;
/** Share of a replica vault's limits: replication is its main client until failover. */
export const DEFAULT_REPLICA_SHARE = 0.9;
export const DEFAULT_RECONCILE_SCHEDULE = '*/5 * * * *';
/** A deletion pass that would remove more than this share of a replica is an incident. */
export const DEFAULT_MAX_DELETE_PERCENT = 10;
/** Below this many replica objects the percentage guard alone would be too jumpy. */
export const DEFAULT_DELETE_GUARD_MIN_OBJECTS = 20;
/** `history: enabledVersions` copies at most this many older versions per object. */
export const DEFAULT_HISTORY_MAX_VERSIONS = 10;

const criteriaSchema = z.strictObject({
  names: z.array(z.string().min(1)).optional(),
  contentTypes: z.array(z.string()).optional(),
  tags: z.record(z.string().min(1), z.string()).optional(),
});

export const filtersSchema = z.strictObject({
  include: criteriaSchema.optional(),
  exclude: criteriaSchema.optional(),
});

export const deletionSchema = z.strictObject({
  /** keep: replicas outlive deleted sources; delete: soft-delete owned replicas too. */
  policy: z.enum(['keep', 'delete']).default('keep'),
  maxDeletePercent: z.number().min(0).max(100).default(DEFAULT_MAX_DELETE_PERCENT),
  minObjects: z.int().min(0).default(DEFAULT_DELETE_GUARD_MIN_OBJECTS),
});

const cronSchema = z.string().refine(
  (expression) => {
    try {
      new Cron(expression, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a cron expression, e.g. "*/5 * * * *"' },
);

/**
 * Per-link replication behaviour. Sources and links may override any of it; the top-level
 * `replication` block gives the defaults.
 */
export const linkBehaviourShape = {
  mode: z.enum(['one-way', 'two-way']).optional(),
  deletion: deletionSchema.optional(),
  objectKinds: z
    .array(z.enum(['secrets', 'certificates']))
    .min(1)
    .optional(),
  /** latest: only the current version; enabledVersions: also enabled history on first sync. */
  history: z.enum(['latest', 'enabledVersions']).optional(),
  filters: filtersSchema.optional(),
};

export const replicationSchema = z
  .strictObject({
    mode: z.enum(['one-way', 'two-way']).default('one-way'),
    deletion: deletionSchema.prefault({}),
    objectKinds: z
      .array(z.enum(['secrets', 'certificates']))
      .min(1)
      .default(['secrets', 'certificates']),
    history: z.enum(['latest', 'enabledVersions']).default('latest'),
    /**
     * With `history: enabledVersions`: how many older enabled versions (the newest of them) a
     * first sync copies before the latest; each is one more secret create in the replica.
     */
    historyMaxVersions: z.int().positive().default(DEFAULT_HISTORY_MAX_VERSIONS),
    filters: filtersSchema.default({}),
    /** Everything but writes: diffs, tasks and outcomes happen, vaults are not changed. */
    dryRun: z.boolean().default(false),
    /** A soft-deleted name at the replica: recover it, then converge; or fail with a reason. */
    softDeletedAtReplica: z.enum(['recover', 'fail']).default('recover'),
    /** Opt-in to overwrite replica objects that carry no provenance of ours. */
    overwriteUnowned: z.boolean().default(false),
    reconcile: z
      .strictObject({
        schedule: cronSchema.default(DEFAULT_RECONCILE_SCHEDULE),
        /** Pause scheduled reconcile (events and manual resync still work). */
        suspend: z.boolean().default(false),
        onStart: z.boolean().default(true),
      })
      .prefault({}),
    keyVaultLimits: z
      .strictObject({
        transactionsPer10s: z.int().positive().default(KEY_VAULT_TRANSACTIONS_PER_10S),
        secretCreatesPer10s: z.int().positive().default(KEY_VAULT_SECRET_CREATES_PER_10S),
        /**
         * Share of a source vault's limits, split across every process that touches the vault
         * (discovery and each regional worker pool, derived from the topology).
         */
        sourceShare: z.number().gt(0).max(1).default(DEFAULT_SOURCE_SHARE),
        /** Share of a replica-only vault's limits, split the same way. */
        replicaShare: z.number().gt(0).max(1).default(DEFAULT_REPLICA_SHARE),
        /** Older single setting: when given, the share of every vault (source and replica). */
        utilization: z.number().gt(0).max(1).optional(),
      })
      .prefault({}),
    /** How often discovery re-reads vaults and tags from ARM, in seconds. */
    topologyRefreshSeconds: z.int().positive().default(300),
  })
  .prefault({});
export type ReplicationConfig = z.output<typeof replicationSchema>;
