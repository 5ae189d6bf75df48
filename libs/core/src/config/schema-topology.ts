import { z } from 'zod';
import { DEFAULT_NAMING_PATTERN } from '../naming/naming-pattern';
import { vaultNameSchema } from '../messages/refs';
import { uuidLike } from './schema-azure';
import { linkBehaviourShape } from './schema-replication';

const linkNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and hyphens (≤ 63)');

/**
 * An Azure region as ARM names it (`westeurope`) or displays it (`West Europe`): ASCII letters,
 * digits, spaces and hyphens. Regions are compared case- and space-insensitively (`regionKey`),
 * and Unicode case folding would make a look-alike (a Kelvin sign for K) the same region as the
 * real one in the pacing shares while ARM refuses it, so anything outside ASCII is refused here.
 */
const regionSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9 -]{0,63}$/,
    'must be an Azure region name: ASCII letters, digits, spaces and hyphens (e.g. westeurope or West Europe)',
  );

/** Where a vault lives; anything omitted comes from `azure` defaults. */
const placementShape = {
  subscriptionId: uuidLike.optional(),
  resourceGroup: z.string().min(1).max(90).optional(),
  /** Key into `tenants`. */
  tenant: z.string().min(1).optional(),
};

/** One replica target of a selection-based source (seed "destination"). */
export const destinationSchema = z.strictObject({
  region: regionSchema,
  ...placementShape,
  /** `{source_name}` and `{region}` are replaced; the result must be a valid vault name. */
  namingPattern: z.string().min(1).default(DEFAULT_NAMING_PATTERN),
  /** Create missing replica vaults through ARM (needs a resource group); else warn. */
  autoCreate: z.boolean().default(false),
});
export type DestinationConfig = z.output<typeof destinationSchema>;

/**
 * Vaults chosen by a selection rule, each replicated to every destination (seed tool's
 * `source` + `destination`). Resolved by discovery against ARM; `specific` also statically.
 */
export const sourceSelectionSchema = z.strictObject({
  /** Names the links this selection makes: `<name>/<source vault>`. */
  name: linkNameSchema,
  selectionMode: z.enum(['specific', 'all', 'allExcept']),
  ...placementShape,
  keyvaults: z
    .array(
      z.strictObject({
        name: vaultNameSchema,
        /** Explicit replica vault name, overriding the destinations' naming pattern. */
        destinationName: vaultNameSchema.optional(),
        resourceGroup: z.string().min(1).optional(),
      }),
    )
    .default([]),
  excludeKeyvaults: z.array(vaultNameSchema).default([]),
  /** Also replicate to the vaults named in each source vault's `dst_key_vault_names` tag. */
  destinationsFromTag: z.boolean().default(false),
  destinations: z.array(destinationSchema).default([]),
  ...linkBehaviourShape,
});
export type SourceSelectionConfig = z.output<typeof sourceSelectionSchema>;

const linkVaultSchema = z.strictObject({
  vault: vaultNameSchema,
  region: regionSchema.optional(),
  ...placementShape,
  /** Data-plane URI, when it is not `https://<vault>.<vaultDnsSuffix>` (emulator, private link). */
  uri: z.url().optional(),
});

/** An explicit link: one source vault, its replicas. */
export const linkSchema = z.strictObject({
  name: linkNameSchema,
  source: linkVaultSchema,
  replicas: z
    .array(linkVaultSchema.extend({ region: regionSchema, autoCreate: z.boolean().default(false) }))
    .min(1),
  ...linkBehaviourShape,
});
export type LinkConfig = z.output<typeof linkSchema>;
