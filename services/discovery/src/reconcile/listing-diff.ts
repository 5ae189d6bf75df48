import { createHash } from 'node:crypto';
import { readProvenance, withoutProvenance, type CompiledFilter } from '@akv-replicator/core';
import type { SecretItem } from '@akv-replicator/keyvault';
import { deletionBreaker } from './deletion-breaker';

export type Drift = 'missing' | 'version' | 'attributes' | 'deleted-at-source' | 'unknown';

/** One object that needs a task, with the revision that makes its task id idempotent. */
export interface DriftEntry {
  readonly objectName: string;
  readonly drift: Drift;
  readonly revision: string;
}

export interface DiffOptions {
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly mode: 'one-way' | 'two-way';
  readonly deletion: {
    readonly policy: 'keep' | 'delete';
    readonly maxDeletePercent: number;
    readonly minObjects: number;
  };
  readonly overwriteUnowned: boolean;
  readonly filter: CompiledFilter;
}

export interface DiffReport {
  readonly drifted: DriftEntry[];
  readonly inSync: number;
  readonly filtered: number;
  /** Replica objects in the way that carry no provenance of ours (one-way links). */
  readonly unowned: string[];
  /** Set when the deletion circuit breaker held back deletions. */
  readonly deletionsBlocked?: {
    readonly wouldDelete: number;
    readonly owned: number;
    readonly reason: string;
  };
}

/** Unowned names kept for the warning; the count is exact, the list is a sample. */
export const UNOWNED_SAMPLE = 100;

/**
 * What the diff needs of one replica object, without its tags: a replica listing of 50,000
 * secrets is held as ~100 bytes per name instead of the SDK's objects (issue #21: discovery
 * under 128 MiB with a 50,000-secret vault).
 */
interface ReplicaEntry {
  readonly name: string;
  readonly updated: number;
  /** The source `updated` our provenance names, when the replica is ours. */
  readonly sourceUpdated: number | undefined;
  readonly managed: boolean;
  /** Whether the link's filter replicates it (deletions only touch those). */
  readonly replicates: boolean;
  readonly attributes: string;
  /** Set when the source listing named it: what is never seen was deleted at the source. */
  seen: boolean;
}

/**
 * Compares replicated attributes the way `sameAttributes` does (enabled, validity, content
 * type, tags without provenance) as one short string; long tag sets are hashed.
 */
export function attributeKey(item: SecretItem): string {
  const tags = withoutProvenance(item.tags);
  const text = JSON.stringify([
    item.enabled,
    item.notBefore ?? null,
    item.expires ?? null,
    item.contentType ?? '',
    Object.keys(tags)
      .sort()
      .map((key) => [key, tags[key]]),
  ]);
  // JSON starts with '[', a base64 digest never does: the two forms cannot collide.
  return text.length <= 64 ? text : createHash('sha256').update(text).digest('base64');
}

/**
 * One replica's side of a streaming diff (DESIGN principles 4 and 5): build it from the
 * replica's listing, then feed it the source listing item by item (`visit`), publishing each
 * drift as it is found, and `finish` for deletions. Memory follows the replica's names, never
 * the source's listing.
 */
export class ListingDiff {
  private readonly replicas = new Map<string, ReplicaEntry>();
  private sourceCount = 0;
  inSync = 0;
  filtered = 0;
  unownedCount = 0;
  readonly unowned: string[] = [];

  constructor(private readonly options: DiffOptions) {}

  /** Adds one replica object (the whole replica listing goes in before the first `visit`). */
  index(item: SecretItem): void {
    const provenance = readProvenance(item.tags);
    const ours = provenance?.sourceVault.toLowerCase() === this.options.sourceVault.toLowerCase();
    this.replicas.set(item.name.toLowerCase(), {
      name: item.name,
      updated: item.updated,
      sourceUpdated: ours ? provenance!.sourceUpdated : undefined,
      managed: item.managed,
      replicates:
        this.options.deletion.policy === 'delete' && this.options.filter.decide(item).replicate,
      attributes: attributeKey(item),
      seen: false,
    });
  }

  /** Diffs one source object against the replica; returns its drift, if any. */
  visit(source: SecretItem): DriftEntry | undefined {
    this.sourceCount++;
    const replica = this.replicas.get(source.name.toLowerCase());
    if (replica) replica.seen = true;
    if (source.managed) return undefined;
    if (!this.options.filter.decide(source).replicate) {
      this.filtered++;
      return undefined;
    }
    const updated = `updated:${source.updated}`;
    if (!replica) return { objectName: source.name, drift: 'missing', revision: updated };
    if (replica.sourceUpdated !== undefined) {
      if (replica.sourceUpdated !== source.updated)
        return { objectName: source.name, drift: 'version', revision: updated };
      if (replica.attributes !== attributeKey(source))
        return {
          objectName: source.name,
          drift: 'attributes',
          revision: `replica-updated:${replica.updated}`,
        };
      this.inSync++;
      return undefined;
    }
    if (this.options.mode === 'two-way') {
      // The source may itself be our copy of this replica's current write.
      const echo = readProvenance(source.tags);
      if (
        echo?.sourceVault.toLowerCase() === this.options.replicaVault.toLowerCase() &&
        echo.sourceUpdated === replica.updated
      ) {
        this.inSync++;
        return undefined;
      }
      return {
        objectName: source.name,
        drift: 'unknown',
        revision: `updated:${source.updated}:${replica.updated}`,
      };
    }
    if (this.options.overwriteUnowned)
      return { objectName: source.name, drift: 'unknown', revision: updated };
    this.unownedCount++;
    if (this.unowned.length < UNOWNED_SAMPLE) this.unowned.push(source.name);
    return undefined;
  }

  /**
   * After the whole source listing: replicas of ours it never named were deleted at the source
   * (DESIGN principle 8), unless the deletion circuit breaker holds them back.
   */
  finish(): Pick<DiffReport, 'deletionsBlocked'> & { readonly deletions: DriftEntry[] } {
    if (this.options.deletion.policy !== 'delete') return { deletions: [] };
    let owned = 0;
    const gone: ReplicaEntry[] = [];
    for (const entry of this.replicas.values()) {
      if (entry.managed || entry.sourceUpdated === undefined) continue;
      owned++;
      if (!entry.seen && entry.replicates) gone.push(entry);
    }
    if (gone.length === 0) return { deletions: [] };
    const blocked = deletionBreaker(gone.length, owned, this.sourceCount, this.options.deletion);
    if (blocked)
      return {
        deletions: [],
        deletionsBlocked: { wouldDelete: gone.length, owned, reason: blocked },
      };
    return {
      deletions: gone.map((entry) => ({
        objectName: entry.name,
        drift: 'deleted-at-source',
        revision: `deleted:${entry.updated}`,
      })),
    };
  }
}
