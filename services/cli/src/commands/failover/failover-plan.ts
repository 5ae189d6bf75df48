import {
  compileFilter,
  readProvenance,
  type CompiledFilter,
  type FilterableObject,
  type ObjectKind,
} from '@akv-replicator/core';
import { kindStoresOf, type ListedObject, type VaultStores } from './kind-stores';

/** One secret or certificate the replica does not hold as the source does. */
export interface PlanGap {
  readonly kind: ObjectKind;
  readonly name: string;
  /**
   * missing: not in the replica; older: the replica's copy is of an older source write (for a
   * certificate, also: it serves another thumbprint); not-ours: the replica's object carries no
   * provenance from this source, so replication never wrote it.
   */
  readonly gap: 'missing' | 'older' | 'not-ours';
  /** The source's last write (Unix seconds), when the source answered. */
  readonly sourceUpdated?: number;
}

export interface FailoverPlan {
  readonly source: string;
  readonly replica: string;
  /** What was compared: the kinds the link replicates. */
  readonly kinds: readonly ObjectKind[];
  /** False when the source did not answer: `gaps` cannot be known from listings. */
  readonly sourceAnswered: boolean;
  readonly sourceError?: string;
  readonly inSync: number;
  /** Source objects the link's filters leave out: never replicated, so nothing to lose. */
  readonly filtered: number;
  readonly gaps: readonly PlanGap[];
  /** The newest source write the replica holds a copy of (Unix seconds): its recovery point. */
  readonly replicaCurrentTo: number | undefined;
}

/**
 * What switching to `replica` now would lose: secrets and certificates the source has that the
 * replica lacks or holds an older copy of, from listings only (no value or key is read).
 * Provenance says which source write each replica copy came from, so even with the source down
 * the replica's recovery point is known. Objects the link's filters leave out are counted apart:
 * the replica was never meant to hold them.
 */
export async function planFailover(
  source: VaultStores,
  replica: VaultStores,
  filter: CompiledFilter = compileFilter(undefined),
): Promise<FailoverPlan> {
  const held = new Map<string, ListedObject>();
  let replicaCurrentTo: number | undefined;
  for (const store of kindStoresOf(replica))
    for await (const item of store.list()) {
      held.set(keyOf(store.kind, item.name), item);
      const provenance = readProvenance(item.tags);
      if (provenance && sameVault(provenance.sourceVault, source.vaultName))
        replicaCurrentTo = Math.max(replicaCurrentTo ?? 0, provenance.sourceUpdated);
    }
  const sourceStores = kindStoresOf(source);
  const base = {
    source: source.vaultName,
    replica: replica.vaultName,
    kinds: sourceStores.map((store) => store.kind),
    replicaCurrentTo,
  };
  const sourceItems: { kind: ObjectKind; item: ListedObject }[] = [];
  try {
    for (const store of sourceStores)
      for await (const item of store.list()) sourceItems.push({ kind: store.kind, item });
  } catch (error) {
    return {
      ...base,
      sourceAnswered: false,
      sourceError: (error as Error).message,
      inSync: 0,
      filtered: 0,
      gaps: [],
    };
  }
  const gaps: PlanGap[] = [];
  let inSync = 0;
  let filtered = 0;
  for (const { kind, item } of sourceItems) {
    if (!filter.decide(filterView(kind, item)).replicate) {
      filtered++;
      continue;
    }
    const gap = gapOf(item, held.get(keyOf(kind, item.name)), source.vaultName);
    if (gap) gaps.push({ kind, name: item.name, gap, sourceUpdated: item.updated });
    else inSync++;
  }
  gaps.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { ...base, sourceAnswered: true, inSync, filtered, gaps };
}

/**
 * What the link's filters look at, as discovery's reconcile shows it to them: a secret's name,
 * content type and tags; a certificate's name and tags (its content type is the converter's).
 */
function filterView(kind: ObjectKind, item: ListedObject): FilterableObject {
  if (kind === 'certificate') return { name: item.name, tags: item.tags };
  return { name: item.name, tags: item.tags, contentType: item.contentType };
}

function gapOf(
  source: ListedObject,
  copy: ListedObject | undefined,
  sourceVault: string,
): PlanGap['gap'] | undefined {
  if (!copy) return 'missing';
  const provenance = readProvenance(copy.tags);
  if (!provenance || !sameVault(provenance.sourceVault, sourceVault)) return 'not-ours';
  if (provenance.sourceUpdated < source.updated) return 'older';
  // Applications are served the key material, whatever the tags say: another thumbprint is a
  // certificate the source no longer serves.
  if (source.x5t !== undefined && copy.x5t !== source.x5t) return 'older';
  return undefined;
}

// Names are case-insensitive in Key Vault; a secret and a certificate may not share one (a
// certificate's backing secret takes its name), but keying by kind keeps the two listings apart.
const keyOf = (kind: ObjectKind, name: string) => `${kind}/${name.toLowerCase()}`;
const sameVault = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
