import { readProvenance, type Provenance } from '@akv-replicator/core';
import { kindStoresOf, type KindStore, type VaultStores } from './kind-stores';

/**
 * `promote --as-source`: the served replicas' copies name the old source in their provenance,
 * so the ownership guard would refuse every write from the promoted vault into them. A copy of
 * the very source version the promoted vault also holds has the same value (for a certificate:
 * the same thumbprint too): it is adopted explicitly, re-tagged as a copy of the promoted vault's
 * version (no new version). Any other copy — newer or older than the promoted vault's — is left
 * alone and reported by the worker. Secrets and certificates alike, as the link replicates them.
 */
export async function adoptServedCopies(
  promoted: VaultStores,
  served: readonly VaultStores[],
): Promise<{ adopted: number; failed: { name: string; reason: string }[] }> {
  let adopted = 0;
  const failed: { name: string; reason: string }[] = [];
  for (const store of kindStoresOf(promoted)) {
    const held = await heldCopies(store);
    for (const replica of served.flatMap(kindStoresOf))
      if (replica.kind === store.kind)
        adopted += await adopt(replica, store.vaultName, held, failed);
  }
  return { adopted, failed };
}

interface HeldCopy extends Provenance {
  readonly version: string;
  readonly updated: number;
  readonly x5t?: string | undefined;
}

/** name → the source version the promoted vault's current version is a copy of. */
async function heldCopies(promoted: KindStore): Promise<Map<string, HeldCopy>> {
  const held = new Map<string, HeldCopy>();
  for await (const item of promoted.list()) {
    const provenance = readProvenance(item.tags);
    if (!provenance) continue;
    const current = await promoted.latest(item.name);
    if (current)
      held.set(item.name, {
        ...provenance,
        version: current.version,
        updated: current.updated,
        x5t: current.x5t,
      });
  }
  return held;
}

async function adopt(
  replica: KindStore,
  promotedVault: string,
  held: Map<string, HeldCopy>,
  failed: { name: string; reason: string }[],
): Promise<number> {
  let adopted = 0;
  for await (const item of replica.list()) {
    const copy = readProvenance(item.tags);
    const mine = held.get(item.name);
    if (
      !copy ||
      !mine ||
      copy.sourceVault.toLowerCase() !== mine.sourceVault.toLowerCase() ||
      copy.sourceVersion !== mine.sourceVersion ||
      item.x5t !== mine.x5t
    )
      continue;
    try {
      const current = await replica.latest(item.name);
      if (!current) continue;
      await replica.retag(item.name, current, {
        sourceVault: promotedVault,
        sourceVersion: mine.version,
        sourceUpdated: mine.updated,
      });
      adopted++;
    } catch (error) {
      failed.push({ name: `${replica.vaultName}/${item.name}`, reason: (error as Error).message });
    }
  }
  return adopted;
}
