import { z } from 'zod';

/** Key Vault object names: 1–127 letters, digits and hyphens. */
export const OBJECT_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
/** Key Vault object versions are 32 lowercase hex characters. */
export const OBJECT_VERSION_PATTERN = /^[0-9a-f]{32}$/;

/** Vault name as Azure accepts it: 3–24 chars, letters/digits/hyphens, starts with a letter. */
export const vaultNameSchema = z
  .string()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    'must be a Key Vault name (3–24 characters, letters, digits and hyphens, starting with a letter, ending with a letter or digit)',
  )
  .refine((name) => !name.includes('--'), 'must not contain consecutive hyphens');

export const objectNameSchema = z
  .string()
  .regex(OBJECT_NAME_PATTERN, 'must be 1–127 letters, digits or hyphens');

export const objectVersionSchema = z
  .string()
  .regex(OBJECT_VERSION_PATTERN, 'must be a 32-character hex version');

/** Where a vault lives. `uri` is the data-plane endpoint, e.g. `https://kv-a.vault.azure.net`. */
export const vaultRefSchema = z.object({
  name: vaultNameSchema,
  uri: z.url().optional(),
  region: z.string().min(1).optional(),
  subscriptionId: z.string().min(1).optional(),
  resourceGroup: z.string().min(1).optional(),
  tenantId: z.string().min(1).optional(),
  /** Key into the configuration's `tenants`: which credential reaches this vault. */
  tenant: z.string().min(1).optional(),
});
export type VaultRef = z.infer<typeof vaultRefSchema>;

/** A replica vault always has a region: tasks are routed by it (DESIGN principle 6). */
export const replicaRefSchema = vaultRefSchema.extend({
  region: z.string().min(1),
  /** Discovery's ARM view of the replica's users (`ReplicationOnly`): decides its budget share. */
  replicationOnly: z.object({ vault: z.boolean(), subscriptionRegion: z.boolean() }).optional(),
});
export type ReplicaRef = z.infer<typeof replicaRefSchema>;

export const objectKindSchema = z.enum(['secret', 'certificate', 'key']);
export type ObjectKind = z.infer<typeof objectKindSchema>;

/** One object in one vault, optionally pinned to a version. */
export const objectRefSchema = z.object({
  vault: vaultRefSchema,
  kind: objectKindSchema,
  name: objectNameSchema,
  version: objectVersionSchema.optional(),
});
export type ObjectRef = z.infer<typeof objectRefSchema>;

/**
 * Splits a Key Vault object id (`https://HOST/secrets/NAME[/VERSION]`) into its parts.
 * Returns undefined for anything that is not such an id.
 */
export function parseObjectId(
  id: string,
): { vaultUri: string; collection: string; name: string; version?: string } | undefined {
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const [collection, name, version, ...rest] = url.pathname.split('/').filter(Boolean);
  if (!collection || !name || rest.length > 0 || !OBJECT_NAME_PATTERN.test(name)) return undefined;
  if (version !== undefined && !OBJECT_VERSION_PATTERN.test(version)) return undefined;
  return { vaultUri: url.origin, collection, name, ...(version ? { version } : {}) };
}
