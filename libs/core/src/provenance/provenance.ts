import { OBJECT_VERSION_PATTERN, vaultNameSchema } from '../messages/refs';

/**
 * The one tag every replica carries (DESIGN principle 3). One tag, because Key Vault allows
 * only 15 per object and the source's own tags must fit beside it.
 */
export const PROVENANCE_TAG = 'akv-replicator-source';
/** Key Vault limits that provenance must respect. */
export const MAX_TAGS_PER_OBJECT = 15;
export const MAX_TAG_VALUE_LENGTH = 256;

const FORMAT_VERSION = 'v1';

/** Which source object version a replica was made from. */
export interface Provenance {
  /** Source vault name (vault names are globally unique DNS labels). */
  readonly sourceVault: string;
  /** Source object version (32 hex) the replica's value came from. */
  readonly sourceVersion: string;
  /** Source object `updated` time, Unix seconds: decides two-way conflicts (newest wins). */
  readonly sourceUpdated: number;
}

/** Renders provenance as a compact tag value, e.g. `v1;kv-a;<version>;1700000000` (≤ 70 chars). */
export function encodeProvenance(provenance: Provenance): string {
  if (!vaultNameSchema.safeParse(provenance.sourceVault).success) {
    throw new RangeError(`provenance: invalid source vault name "${provenance.sourceVault}"`);
  }
  if (!OBJECT_VERSION_PATTERN.test(provenance.sourceVersion)) {
    throw new RangeError('provenance: source version must be 32 lowercase hex characters');
  }
  if (!Number.isSafeInteger(provenance.sourceUpdated) || provenance.sourceUpdated < 0) {
    throw new RangeError('provenance: sourceUpdated must be whole Unix seconds');
  }
  return [
    FORMAT_VERSION,
    provenance.sourceVault,
    provenance.sourceVersion,
    provenance.sourceUpdated,
  ].join(';');
}

/**
 * Reads provenance from an object's tags. Returns undefined when the tag is absent or does not
 * parse: such an object is not ours, and the ownership guard must treat it as foreign.
 */
export function readProvenance(
  tags: Readonly<Record<string, string>> | undefined,
): Provenance | undefined {
  const value = tags?.[PROVENANCE_TAG];
  if (value === undefined || value.length > MAX_TAG_VALUE_LENGTH) return undefined;
  const [format, sourceVault, sourceVersion, updated, ...rest] = value.split(';');
  if (format !== FORMAT_VERSION || rest.length > 0) return undefined;
  if (!sourceVault || !vaultNameSchema.safeParse(sourceVault).success) return undefined;
  if (!sourceVersion || !OBJECT_VERSION_PATTERN.test(sourceVersion)) return undefined;
  if (!updated || !/^\d{1,15}$/.test(updated)) return undefined;
  return { sourceVault, sourceVersion, sourceUpdated: Number(updated) };
}

export type ReplicaTagsResult =
  { ok: true; tags: Record<string, string> } | { ok: false; reason: string };

/**
 * The tags a replica should carry: the source's own tags (minus any provenance it carries
 * itself, which would be an echo in a two-way link) plus ours. Fails when there is no room.
 */
export function replicaTags(
  sourceTags: Readonly<Record<string, string>> | undefined,
  provenance: Provenance,
): ReplicaTagsResult {
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(sourceTags ?? {})) {
    if (name !== PROVENANCE_TAG) tags[name] = value;
  }
  if (Object.keys(tags).length >= MAX_TAGS_PER_OBJECT) {
    return {
      ok: false,
      reason: `source has ${Object.keys(tags).length} tags; Key Vault allows ${MAX_TAGS_PER_OBJECT} and the replica needs one for provenance`,
    };
  }
  tags[PROVENANCE_TAG] = encodeProvenance(provenance);
  return { ok: true, tags };
}

/** The source tags a replica mirrors: its tags without our provenance. */
export function withoutProvenance(
  tags: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const { [PROVENANCE_TAG]: _ignored, ...rest } = tags ?? {};
  return rest;
}
