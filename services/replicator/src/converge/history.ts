import { replicaTags, type Provenance, type SecretTaskData } from '@akv-replicator/core';
import { isVaultError, type SecretStore, type SecretVersionInfo } from '@akv-replicator/keyvault';

/**
 * `history: enabledVersions`: the older enabled source versions a replica lacks, oldest first,
 * at most `task.historyVersions` (the newest of them). A missing replica lacks all of them; a
 * replica of ours lacks those created after the source version its provenance names (so a
 * first sync interrupted half-way resumes where it stopped instead of starting over). When the
 * provenance names a version the source no longer lists, nothing older is copied: there is no
 * telling which versions the replica holds. Costs list calls only; no value is read here.
 */
export async function olderVersionsToCopy(
  task: SecretTaskData,
  source: SecretStore,
  latestVersion: string,
  replicaHolds: Provenance | undefined,
): Promise<SecretVersionInfo[]> {
  if (task.historyVersions <= 0) return [];
  const all: SecretVersionInfo[] = [];
  for await (const version of source.listSecretVersions(task.objectName)) all.push(version);
  // Key Vault lists versions in no defined order; `created` (whole seconds) orders them, and
  // the stable sort keeps the listing's order among versions created in the same second.
  all.sort((a, b) => a.created - b.created);
  let older = all.filter((v) => v.version !== latestVersion);
  if (replicaHolds) {
    const held = older.findIndex((v) => v.version === replicaHolds.sourceVersion);
    if (held < 0) return [];
    older = older.slice(held + 1);
  }
  return older.filter((v) => v.enabled).slice(-task.historyVersions);
}

/**
 * Copies older source versions into the replica, oldest first, each carrying provenance of its
 * own source version (DESIGN principle 3). A version disabled or gone since the listing is
 * skipped, and so is one whose tags leave no room for provenance. Returns how many were
 * written. A soft-deleted replica name surfaces as VaultError `deleted-recoverable`, as for the
 * latest version.
 */
export async function copyOlderVersions(
  task: SecretTaskData,
  stores: { readonly source: SecretStore; readonly replica: SecretStore },
  replicaName: string,
  versions: readonly SecretVersionInfo[],
): Promise<number> {
  let written = 0;
  for (const version of versions) {
    const provenance: Provenance = {
      sourceVault: task.source.name,
      sourceVersion: version.version,
      sourceUpdated: version.updated,
    };
    const tags = replicaTags(version.tags, provenance);
    if (!tags.ok) continue;
    let value: string;
    try {
      value = (await stores.source.getSecret(task.objectName, version.version)).value;
    } catch (error) {
      if (isVaultError(error, 'disabled') || isVaultError(error, 'not-found')) continue;
      throw error;
    }
    await stores.replica.setSecret(replicaName, value, {
      enabled: version.enabled,
      notBefore: version.notBefore,
      expires: version.expires,
      contentType: version.contentType,
      tags: tags.tags,
    });
    written++;
  }
  return written;
}
