import { readProvenance } from '@akv-replicator/core';
import type { SecretItem, SecretStore } from '@akv-replicator/keyvault';

/** One secret the replica does not hold as the source does. */
export interface PlanGap {
  readonly name: string;
  /** missing: not in the replica; older: the replica's copy is of an older source write. */
  readonly gap: 'missing' | 'older' | 'not-ours';
  /** The source's last write (Unix seconds), when the source answered. */
  readonly sourceUpdated?: number;
}

export interface FailoverPlan {
  readonly source: string;
  readonly replica: string;
  /** False when the source did not answer: `gaps` cannot be known from listings. */
  readonly sourceAnswered: boolean;
  readonly sourceError?: string;
  readonly inSync: number;
  readonly gaps: readonly PlanGap[];
  /** The newest source write the replica holds a copy of (Unix seconds): its recovery point. */
  readonly replicaCurrentTo: number | undefined;
}

/**
 * What switching to `replica` now would lose: secrets the source has that the replica lacks or
 * holds an older copy of, from listings only (no value read). Provenance says which source write
 * each replica copy came from, so even with the source down the replica's recovery point is known.
 */
export async function planFailover(
  source: SecretStore,
  replica: SecretStore,
): Promise<FailoverPlan> {
  const replicaItems = await collect(replica);
  let replicaCurrentTo: number | undefined;
  const copies = new Map<string, number>();
  for (const item of replicaItems) {
    const provenance = readProvenance(item.tags);
    if (provenance?.sourceVault.toLowerCase() !== source.vaultName.toLowerCase()) continue;
    copies.set(item.name.toLowerCase(), provenance.sourceUpdated);
    replicaCurrentTo = Math.max(replicaCurrentTo ?? 0, provenance.sourceUpdated);
  }
  const held = new Set(replicaItems.map((item) => item.name.toLowerCase()));
  const base = { source: source.vaultName, replica: replica.vaultName, replicaCurrentTo };
  let sourceItems: SecretItem[];
  try {
    sourceItems = await collect(source);
  } catch (error) {
    return {
      ...base,
      sourceAnswered: false,
      sourceError: (error as Error).message,
      inSync: 0,
      gaps: [],
    };
  }
  const gaps: PlanGap[] = [];
  let inSync = 0;
  for (const item of sourceItems) {
    if (item.managed) continue; // certificate-backed: the certificate direction covers it
    const key = item.name.toLowerCase();
    const copied = copies.get(key);
    const gap: PlanGap['gap'] | undefined = !held.has(key)
      ? 'missing'
      : copied === undefined
        ? 'not-ours'
        : copied < item.updated
          ? 'older'
          : undefined;
    if (gap) gaps.push({ name: item.name, gap, sourceUpdated: item.updated });
    else inSync++;
  }
  gaps.sort((a, b) => a.name.localeCompare(b.name));
  return { ...base, sourceAnswered: true, inSync, gaps };
}

async function collect(store: SecretStore): Promise<SecretItem[]> {
  const items: SecretItem[] = [];
  for await (const item of store.listSecrets()) items.push(item);
  return items;
}
