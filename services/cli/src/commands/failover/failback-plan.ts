import { readProvenance, type ObjectKind } from '@akv-replicator/core';
import { kindStoresOf, type KindStore, type VaultStores, type VersionView } from './kind-stores';

/** What failback does with one secret or certificate (ADR 0020). */
export type FailbackChange =
  /** Created in the promoted vault during the outage: copied into the original source. */
  | 'new'
  /** A new version written (a certificate renewed) in the promoted vault during the outage. */
  | 'new-version'
  /** Deleted in the promoted vault during the outage: deleted in the original source. */
  | 'deleted'
  /** Changed in the original source since the promotion too: listed and skipped unless --force. */
  | 'conflict'
  /** The promoted vault holds a copy of the original's current version: nothing to do. */
  | 'in-sync'
  /** The original holds something the promoted vault never got: the resumed direction brings it. */
  | 'original-ahead'
  /** In the promoted vault without our provenance since before the promotion: not ours, skipped. */
  | 'not-ours';

export interface FailbackEntry {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly change: FailbackChange;
  /** For a conflict: what --force would do. */
  readonly forced?: 'new' | 'new-version' | 'deleted';
  readonly reason: string;
  readonly promoted?: VersionView;
  readonly original?: VersionView;
}

export interface FailbackPlanInput {
  readonly promoted: VaultStores;
  readonly original: VaultStores;
  /** The promotion time, Unix seconds (from the promoted-at tag). */
  readonly promotedAt: number;
}

/** Entries that failback writes into the original source (with `force`, conflicts too). */
export function isApplied(entry: FailbackEntry, force: boolean): boolean {
  return (
    entry.change === 'new' ||
    entry.change === 'new-version' ||
    entry.change === 'deleted' ||
    (force && entry.change === 'conflict')
  );
}

/**
 * The drift-checked failback plan for the kinds the link replicates: both vaults' current
 * versions (properties only: no value, no key is read) and, for names only one side has, whether
 * the other deleted it after the promotion. Sorted by name.
 */
export async function planFailback(input: FailbackPlanInput): Promise<FailbackEntry[]> {
  const originals = kindStoresOf(input.original);
  const entries: FailbackEntry[] = [];
  for (const promoted of kindStoresOf(input.promoted)) {
    const original = originals.find((store) => store.kind === promoted.kind);
    if (original) entries.push(...(await planKind(promoted, original, input.promotedAt)));
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

async function planKind<V extends VersionView>(
  promoted: KindStore<V>,
  original: KindStore<V>,
  promotedAt: number,
): Promise<FailbackEntry[]> {
  const names = new Set<string>();
  for (const store of [promoted, original])
    for await (const item of store.list()) names.add(item.name);
  const entries: FailbackEntry[] = [];
  for (const name of names) {
    const [p, o] = await Promise.all([promoted.latest(name), original.latest(name)]);
    const sides = { promoted, original, promotedAt };
    entries.push({ kind: promoted.kind, ...(await classify(name, p, o, sides)) });
  }
  return entries;
}

interface Sides {
  readonly promoted: KindStore;
  readonly original: KindStore;
  readonly promotedAt: number;
}

async function classify(
  name: string,
  p: VersionView | undefined,
  o: VersionView | undefined,
  { promoted, original, promotedAt }: Sides,
): Promise<Omit<FailbackEntry, 'kind'>> {
  const both = { ...(p ? { promoted: p } : {}), ...(o ? { original: o } : {}) };
  const originalName = original.vaultName;
  if (p) {
    const provenance = readProvenance(p.tags);
    if (
      provenance?.sourceVault.toLowerCase() === originalName.toLowerCase() &&
      !otherMaterial(p, o, provenance.sourceVersion)
    ) {
      return provenance.sourceVersion === o?.version
        ? { name, change: 'in-sync', reason: 'a copy of the original’s current version', ...both }
        : {
            name,
            change: 'original-ahead',
            reason: o
              ? 'the original holds a version the promoted vault never got'
              : 'deleted in the original; the link’s deletion policy applies once it resumes',
            ...both,
          };
    }
    if (p.updated < promotedAt)
      return {
        name,
        change: 'not-ours',
        reason: `no provenance from ${originalName} and unchanged since the promotion`,
        ...both,
      };
    const wanted = o ? 'new-version' : 'new';
    const originalChange = o
      ? o.updated >= promotedAt || o.updated >= p.updated
        ? o.updated
        : undefined
      : await deletedSince(original, name, promotedAt);
    if (originalChange !== undefined)
      return {
        name,
        change: 'conflict',
        forced: wanted,
        reason: `${o ? 'written' : 'deleted'} in ${originalName} at ${iso(originalChange)}, after the promotion or later than the promoted vault’s write`,
        ...both,
      };
    return {
      name,
      change: wanted,
      reason: `written in the promoted vault at ${iso(p.updated)}`,
      ...both,
    };
  }
  // Only the original has it.
  const deletedOn = await deletedSince(promoted, name, promotedAt);
  if (deletedOn === undefined)
    return {
      name,
      change: 'original-ahead',
      reason: 'never replicated to the promoted vault',
      ...both,
    };
  if (o && o.updated >= promotedAt)
    return {
      name,
      change: 'conflict',
      forced: 'deleted',
      reason: `deleted in the promoted vault at ${iso(deletedOn)}, but written in the original at ${iso(o.updated)}`,
      ...both,
    };
  return {
    name,
    change: 'deleted',
    reason: `deleted in the promoted vault at ${iso(deletedOn)}`,
    ...both,
  };
}

/**
 * A certificate whose provenance names the original's current version but whose thumbprint is
 * another: renewed or re-imported in the promoted vault with the copy's tags kept. Its tags then
 * say nothing of what it serves, so it is judged as a write made in the promoted vault.
 */
function otherMaterial(p: VersionView, o: VersionView | undefined, sourceVersion: string): boolean {
  return p.x5t !== undefined && o?.version === sourceVersion && o.x5t !== p.x5t;
}

/** When the name was soft-deleted at or after `since`, or undefined. */
async function deletedSince(
  store: KindStore,
  name: string,
  since: number,
): Promise<number | undefined> {
  const deletedOn = await store.deletedOn(name);
  return deletedOn !== undefined && deletedOn >= since ? deletedOn : undefined;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
