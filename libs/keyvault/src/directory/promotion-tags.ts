/**
 * The failover promotion, kept where the topology lives: as ARM tags on the promoted vault
 * (ADR 0020). Every process that resolves the topology reads them from the vault listing, so a
 * promotion survives restarts and is seen by every discovery replica and every CLI.
 */
export const PROMOTED_FROM_TAG = 'akv-replicator-promoted-from';
export const PROMOTED_AT_TAG = 'akv-replicator-promoted-at';
/** Replicas the promoted vault serves as their source (`promote --as-source`), comma-separated. */
export const PROMOTED_SERVES_TAG = 'akv-replicator-serves';
export const PROMOTION_TAGS = [PROMOTED_FROM_TAG, PROMOTED_AT_TAG, PROMOTED_SERVES_TAG] as const;
/**
 * ARM limits a tag value to 256 characters:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 */
export const MAX_ARM_TAG_VALUE_LENGTH = 256;

/** A replica vault promoted to take writes in place of its source. */
export interface Promotion {
  /** The source vault it replaced (lower-case comparison everywhere). */
  readonly from: string;
  /** ISO 8601 time of the promotion: failback's conflict check compares the source against it. */
  readonly at: string;
  /** Remaining replicas it is the source of; empty when promoted without `--as-source`. */
  readonly serves: readonly string[];
}

/** The promotion a vault's tags record, or undefined (no or unparseable `promoted-from`). */
export function readPromotion(
  tags: Readonly<Record<string, string>> | undefined,
): Promotion | undefined {
  const from = tags?.[PROMOTED_FROM_TAG]?.trim();
  if (!from) return undefined;
  const serves = (tags?.[PROMOTED_SERVES_TAG] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return { from, at: tags?.[PROMOTED_AT_TAG] ?? '', serves };
}

/** The tags that record a promotion; refuses a `serves` list longer than ARM allows. */
export function promotionTags(promotion: Promotion): Record<string, string> {
  const tags: Record<string, string> = {
    [PROMOTED_FROM_TAG]: promotion.from,
    [PROMOTED_AT_TAG]: promotion.at,
  };
  if (promotion.serves.length > 0) {
    const serves = promotion.serves.join(',');
    if (serves.length > MAX_ARM_TAG_VALUE_LENGTH)
      throw new RangeError(
        `${PROMOTED_SERVES_TAG}: ${promotion.serves.length} replica names take ${serves.length} characters; an ARM tag value holds ${MAX_ARM_TAG_VALUE_LENGTH}`,
      );
    tags[PROMOTED_SERVES_TAG] = serves;
  }
  return tags;
}
