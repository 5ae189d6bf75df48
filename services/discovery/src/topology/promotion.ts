import type { ResolvedLink, ResolvedReplica, ResolvedVault } from '@akv-replicator/core';
import type { Promotion } from '@akv-replicator/keyvault';

/** Why a direction is not replicated while a replica is promoted; published as a warning. */
export interface PromotionNotice {
  readonly link: string;
  readonly vault: string;
  readonly reason: string;
  readonly code: 'LinkSuspendedByPromotion' | 'PromotionIgnored';
  readonly action: 'suspended' | 'skipped';
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The link a promoted vault serves as source (`promote --as-source`): `<link>@<vault>`. */
export function promotedLinkName(link: string, promoted: string): string {
  return `${link}@${promoted}`;
}

/**
 * Applies failover promotions (ADR 0020) to the resolved links, before the loop checks run:
 * a replica promoted from this link's source leaves the link (nothing is planned from the old
 * source into it, by events, reconcile or resync), and the replicas it serves move with it into
 * a link whose source it is. Two-way links already take writes on both sides, so a promotion
 * there is reported and ignored. `promotionOf` reads the replica's ARM tags.
 */
export function applyPromotions(
  links: readonly ResolvedLink[],
  promotionOf: (replica: ResolvedReplica) => Promotion | undefined,
): { links: ResolvedLink[]; notices: PromotionNotice[] } {
  const result: ResolvedLink[] = [];
  const notices: PromotionNotice[] = [];
  for (const link of links) {
    const promoted = link.replicas.flatMap((replica) => {
      const promotion = promotionOf(replica);
      return promotion && same(promotion.from, link.source.name) ? [{ replica, promotion }] : [];
    });
    if (promoted.length === 0) {
      result.push(link);
      continue;
    }
    if (link.mode === 'two-way') {
      for (const { replica } of promoted)
        notices.push({
          link: link.name,
          vault: replica.name,
          reason: `${replica.name} is tagged as promoted from ${link.source.name}, but a two-way link already takes writes on both sides: nothing changes`,
          code: 'PromotionIgnored',
          action: 'skipped',
        });
      result.push(link);
      continue;
    }
    const moved = new Set<string>();
    for (const { replica, promotion } of promoted) {
      moved.add(replica.name.toLowerCase());
      notices.push({
        link: link.name,
        vault: replica.name,
        reason: `${replica.name} was promoted to replace ${link.source.name} at ${promotion.at || 'an unrecorded time'}: nothing replicates from ${link.source.name} into it until failback`,
        code: 'LinkSuspendedByPromotion',
        action: 'suspended',
      });
      const served = link.replicas.filter(
        (r) =>
          !same(r.name, replica.name) &&
          !moved.has(r.name.toLowerCase()) &&
          promotion.serves.some((name) => same(name, r.name)),
      );
      if (served.length === 0) continue;
      for (const r of served) moved.add(r.name.toLowerCase());
      const { region, autoCreate: _autoCreate, ...vault } = replica;
      const source: ResolvedVault = { ...vault, region };
      result.push({
        ...link,
        name: promotedLinkName(link.name, replica.name),
        origin: `${link.origin} (promoted ${replica.name})`,
        source,
        replicas: served,
      });
    }
    const remaining = link.replicas.filter((r) => !moved.has(r.name.toLowerCase()));
    if (remaining.length > 0) result.push({ ...link, replicas: remaining });
  }
  return { links: result, notices };
}
