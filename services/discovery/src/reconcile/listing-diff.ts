import { readProvenance, type CompiledFilter } from '@akv-replicator/core';
import type { DriftedPart, ObservedObject } from '../status/listing-observation';
import { deletionBreaker } from './deletion-breaker';
import { tagKey, type ListedObject, type ListingRules } from './listing-kind';

export type Drift = 'missing' | 'version' | 'attributes' | 'deleted-at-source' | 'unknown';

/** One object that needs a task, with the revision that makes its task id idempotent. */
export interface DriftEntry {
  readonly objectName: string;
  readonly drift: Drift;
  readonly revision: string;
  /** How the status board shows it (see ObservedObject); absent on forced resyncs. */
  readonly state?: ObservedObject['state'];
  /** For version and attribute drift: which replicated parts differ. */
  readonly parts?: readonly DriftedPart[];
  /** The source object's `updated` time (Unix seconds), when the source has it. */
  readonly sourceUpdated?: number;
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
 * What the diff needs of one replica object: a replica listing of 50,000 objects is held as
 * ~150 bytes per name instead of the SDK's objects (issue #21: discovery under 128 MiB with a
 * 50,000-secret vault).
 */
interface ReplicaEntry {
  readonly name: string;
  readonly updated: number;
  /** The version our provenance names (ListingRules.versionKey), when the replica is ours. */
  readonly version: string | undefined;
  readonly managed: boolean;
  /** Whether the link's filter replicates it (deletions only touch those). */
  readonly replicates: boolean;
  readonly attributes: string;
  readonly tags: string;
  /** Set when the source listing named it: what is never seen was deleted at the source. */
  seen: boolean;
}

/**
 * One replica's side of a streaming diff (DESIGN principles 4 and 5), for any object kind: build
 * it from the replica's listing, then feed it the source listing item by item (`visit`),
 * publishing each drift as it is found, and `finish` for deletions. Memory follows the replica's
 * names, never the source's listing. Ownership: provenance names this source vault, in any
 * letter case (vault names are DNS labels).
 */
export class ListingDiff<Item extends ListedObject> {
  private readonly replicas = new Map<string, ReplicaEntry>();
  private sourceCount = 0;
  inSync = 0;
  filtered = 0;
  unownedCount = 0;
  readonly unowned: string[] = [];

  constructor(
    private readonly rules: ListingRules<Item>,
    private readonly options: DiffOptions,
  ) {}

  /** Adds one replica object (the whole replica listing goes in before the first `visit`). */
  index(item: Item): void {
    const provenance = readProvenance(item.tags);
    const ours = provenance?.sourceVault.toLowerCase() === this.options.sourceVault.toLowerCase();
    this.replicas.set(item.name.toLowerCase(), {
      name: item.name,
      updated: item.updated,
      version: ours ? this.rules.versionKey(provenance!.sourceUpdated, item) : undefined,
      managed: this.rules.managed(item),
      replicates:
        this.options.deletion.policy === 'delete' &&
        this.options.filter.decide(this.rules.filterView(item)).replicate,
      attributes: this.rules.attributeKey(item),
      tags: tagKey(item.tags),
      seen: false,
    });
  }

  /** Diffs one source object against the replica; returns its drift, if any. */
  visit(source: Item): DriftEntry | undefined {
    this.sourceCount++;
    const replica = this.replicas.get(source.name.toLowerCase());
    if (replica) replica.seen = true;
    if (this.rules.managed(source)) return undefined;
    if (!this.options.filter.decide(this.rules.filterView(source)).replicate) {
      this.filtered++;
      return undefined;
    }
    const found = { objectName: source.name, sourceUpdated: source.updated };
    const revision = this.rules.revision(source);
    if (!replica) return { ...found, drift: 'missing', revision, state: 'missing' };
    if (replica.version !== undefined) {
      const parts = this.differingParts(source, replica);
      if (parts.length === 0) {
        this.inSync++;
        return undefined;
      }
      return parts[0] === 'value'
        ? { ...found, drift: 'version', revision, state: 'drifted', parts }
        : {
            ...found,
            drift: 'attributes',
            revision: `replica-updated:${replica.updated}`,
            state: 'drifted',
            parts,
          };
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
        ...found,
        drift: 'unknown',
        revision: `${revision}:${replica.updated}`,
        state: 'unknown',
      };
    }
    if (this.options.overwriteUnowned)
      return { ...found, drift: 'unknown', revision, state: 'not-ours' };
    this.unownedCount++;
    if (this.unowned.length < UNOWNED_SAMPLE) this.unowned.push(source.name);
    return undefined;
  }

  /** Value first: a new source version is the drift that decides the task. */
  private differingParts(source: Item, replica: ReplicaEntry): DriftedPart[] {
    const parts: DriftedPart[] = [];
    if (replica.version !== this.rules.versionKey(source.updated, source)) parts.push('value');
    if (replica.attributes !== this.rules.attributeKey(source)) parts.push('attributes');
    if (replica.tags !== tagKey(source.tags)) parts.push('tags');
    return parts;
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
      if (entry.managed || entry.version === undefined) continue;
      owned++;
      if (!entry.seen && entry.replicates) gone.push(entry);
    }
    if (gone.length === 0) return { deletions: [] };
    const blocked = deletionBreaker(
      gone.length,
      owned,
      this.sourceCount,
      this.options.deletion,
      this.rules.noun,
    );
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
        state: 'deleted-at-source',
      })),
    };
  }
}
