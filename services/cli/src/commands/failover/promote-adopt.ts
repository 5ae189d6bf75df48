import { readProvenance } from '@akv-replicator/core';
import type { SecretStore } from '@akv-replicator/keyvault';
import { retag } from './failback-apply';

/**
 * `promote --as-source`: the served replicas' copies name the old source in their provenance,
 * so the ownership guard would refuse every write from the promoted vault into them. A copy of
 * the very source version the promoted vault also holds has the same value: it is adopted
 * explicitly, re-tagged as a copy of the promoted vault's version (no new version). Any other
 * copy — newer or older than the promoted vault's — is left alone and reported by the worker.
 */
export async function adoptServedCopies(
  promoted: SecretStore,
  served: readonly SecretStore[],
): Promise<{ adopted: number; failed: { name: string; reason: string }[] }> {
  const held = new Map<
    string,
    { sourceVault: string; sourceVersion: string; version: string; updated: number }
  >();
  for await (const item of promoted.listSecrets()) {
    const provenance = readProvenance(item.tags);
    if (!provenance) continue;
    const current = await promoted.getLatestProperties(item.name);
    held.set(item.name, { ...provenance, version: current.version, updated: current.updated });
  }
  let adopted = 0;
  const failed: { name: string; reason: string }[] = [];
  for (const replica of served) {
    for await (const item of replica.listSecrets()) {
      const copy = readProvenance(item.tags);
      const mine = held.get(item.name);
      if (
        !copy ||
        !mine ||
        copy.sourceVault.toLowerCase() !== mine.sourceVault.toLowerCase() ||
        copy.sourceVersion !== mine.sourceVersion
      )
        continue;
      try {
        const current = await replica.getLatestProperties(item.name);
        await replica.updateProperties(
          item.name,
          current.version,
          retag(current, {
            sourceVault: promoted.vaultName,
            sourceVersion: mine.version,
            sourceUpdated: mine.updated,
          }),
        );
        adopted++;
      } catch (error) {
        failed.push({
          name: `${replica.vaultName}/${item.name}`,
          reason: (error as Error).message,
        });
      }
    }
  }
  return { adopted, failed };
}
