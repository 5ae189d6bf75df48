import { regionKey, type ArmVault, type ResolvedLink } from '@akv-replicator/core';
import type { DirectedLink } from './directed-link';

/**
 * Marks the replicas that only replication uses (`ReplicationOnly`), from what discovery alone
 * knows: every link (before any was refused: a refused link's vaults still serve someone) and
 * ARM's listings. Tasks carry the mark to the workers, whose pacers then give a selection's
 * replica the replica share of Key Vault's budget instead of a source's (issue #21). Any doubt
 * leaves the mark off: an unreadable listing, a replica in a subscription ARM did not list, a
 * vault some link reads, a two-way pair.
 */
export async function markReplicationOnly(
  usable: readonly DirectedLink[],
  considered: readonly ResolvedLink[],
  listVaults: (subscriptionId: string) => Promise<readonly ArmVault[]>,
): Promise<DirectedLink[]> {
  const lower = (name: string) => name.toLowerCase();
  const read = new Set<string>();
  for (const link of considered) {
    read.add(lower(link.source.name));
    if (link.mode === 'two-way') for (const replica of link.replicas) read.add(lower(replica.name));
  }
  for (const link of usable) read.add(lower(link.source.name));
  const onlyWritten = new Set(
    usable.map((link) => lower(link.replica.name)).filter((name) => !read.has(name)),
  );

  // One answer per subscription and region: hundreds of replicas share a handful of them.
  const answers = new Map<string, Promise<boolean>>();
  const regionHoldsOnlyReplicas = (subscriptionId: string | undefined, region: string) => {
    if (!subscriptionId) return Promise.resolve(false);
    const key = `${subscriptionId.toLowerCase()}|${regionKey(region)}`;
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = holdsOnlyReplicas(subscriptionId, region)));
    return answer;
  };
  const holdsOnlyReplicas = async (subscriptionId: string, region: string) => {
    let listed: readonly ArmVault[];
    try {
      listed = await listVaults(subscriptionId);
    } catch {
      return false;
    }
    const here = listed.filter((vault) => regionKey(vault.location) === regionKey(region));
    return here.length > 0 && here.every((vault) => onlyWritten.has(lower(vault.name)));
  };

  const marked: DirectedLink[] = [];
  for (const link of usable) {
    const vault = onlyWritten.has(lower(link.replica.name));
    const subscriptionRegion =
      vault && (await regionHoldsOnlyReplicas(link.replica.subscriptionId, link.replica.region));
    marked.push(
      vault
        ? { ...link, replica: { ...link.replica, replicationOnly: { vault, subscriptionRegion } } }
        : link,
    );
  }
  return marked;
}
