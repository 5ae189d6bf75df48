import {
  PROVENANCE_TAG,
  readProvenance,
  replicaTags,
  systemClock,
  type Clock,
  type Provenance,
} from '@akv-replicator/core';
import type { SecretStore, SecretVersionInfo, SecretWrite } from '@akv-replicator/keyvault';
import { isApplied, type FailbackEntry } from './failback-plan';

export interface FailbackStores {
  readonly promoted: SecretStore;
  readonly original: SecretStore;
  /** Replicas the promoted vault served (`--as-source`): their provenance moves back too. */
  readonly served: readonly SecretStore[];
}

export interface FailbackResult {
  readonly applied: { readonly name: string; readonly change: string }[];
  readonly retagged: number;
  readonly failed: { readonly name: string; readonly reason: string }[];
}

/**
 * Replicates the promoted vault's changes back into the original source, adopting its objects
 * explicitly: one new version per changed secret in the original (the promoted vault's current
 * value and attributes), then the promoted vault's version — and the copies the served replicas
 * hold of it — are re-tagged with provenance from that new version. Tags change no version, so
 * when the original direction resumes every vault already holds what it would write: no loop,
 * no extra version. Values stay in this process's memory only (DESIGN principle 2).
 */
export async function applyFailback(
  plan: readonly FailbackEntry[],
  stores: FailbackStores,
  options: { force: boolean; clock?: Clock },
): Promise<FailbackResult> {
  const applied: { name: string; change: string }[] = [];
  const failed: { name: string; reason: string }[] = [];
  // name → the provenance the promoted vault's current version carries once failback is done.
  const adopted = new Map<string, { promotedVersion: string; provenance: Provenance }>();
  for (const entry of plan) {
    const change = entry.change === 'conflict' ? entry.forced : entry.change;
    try {
      if (isApplied(entry, options.force) && change === 'deleted') {
        await stores.original.deleteSecret(entry.name);
        applied.push({ name: entry.name, change });
      } else if (isApplied(entry, options.force) && entry.promoted) {
        const provenance = await copyBack(entry.name, entry.promoted, stores);
        adopted.set(entry.name, { promotedVersion: entry.promoted.version, provenance });
        applied.push({ name: entry.name, change: change ?? entry.change });
      } else if (entry.promoted) {
        const provenance = readProvenance(entry.promoted.tags);
        if (provenance?.sourceVault.toLowerCase() === stores.original.vaultName.toLowerCase())
          adopted.set(entry.name, { promotedVersion: entry.promoted.version, provenance });
      }
    } catch (error) {
      failed.push({ name: entry.name, reason: (error as Error).message });
    }
  }
  let retagged = 0;
  for (const replica of stores.served) {
    for await (const item of replica.listSecrets()) {
      const target = adopted.get(item.name);
      const provenance = readProvenance(item.tags);
      if (
        !target ||
        provenance?.sourceVault.toLowerCase() !== stores.promoted.vaultName.toLowerCase() ||
        provenance.sourceVersion !== target.promotedVersion
      )
        continue; // Not a copy of what the promoted vault holds: the resumed direction decides.
      try {
        const current = await replica.getLatestProperties(item.name);
        await replica.updateProperties(
          item.name,
          current.version,
          retag(current, target.provenance),
        );
        retagged++;
      } catch (error) {
        failed.push({
          name: `${replica.vaultName}/${item.name}`,
          reason: (error as Error).message,
        });
      }
    }
  }
  // Key Vault's `updated` is whole Unix seconds (SecretAttributes.updated, "unixtime": https://
  // learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets). An application write
  // in the same second as a version copied back here would list with the same `updated` as the
  // provenance now names, and a reconcile (which compares listings only) could not see it. Return
  // only once the clock is past that second: every later write is then distinguishable.
  const lastWriteSeconds = Math.max(
    0,
    ...[...adopted.values()].map((a) => a.provenance.sourceUpdated),
  );
  const clock = options.clock ?? systemClock;
  const nextSecondMs = (lastWriteSeconds + 1) * 1000;
  if (lastWriteSeconds > 0 && clock.now() < nextSecondMs)
    await clock.sleep(nextSecondMs - clock.now());
  return { applied, retagged, failed };
}

/** One new version in the original; the promoted vault's version then records it as its source. */
async function copyBack(
  name: string,
  promoted: SecretVersionInfo,
  stores: FailbackStores,
): Promise<Provenance> {
  const { value } = await stores.promoted.getSecret(name, promoted.version);
  const own = withoutProvenance(promoted.tags);
  const write: SecretWrite = { ...attributes(promoted), tags: own };
  let written: SecretVersionInfo;
  try {
    written = await stores.original.setSecret(name, value, write);
  } catch (error) {
    // A name soft-deleted in the original during the outage blocks a write until recovered (409
    // Conflict; https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
    if ((error as { kind?: unknown }).kind !== 'deleted-recoverable') throw error;
    await stores.original.recoverDeletedSecret(name);
    written = await stores.original.setSecret(name, value, write);
  }
  const provenance: Provenance = {
    sourceVault: stores.original.vaultName,
    sourceVersion: written.version,
    sourceUpdated: written.updated,
  };
  await stores.promoted.updateProperties(name, promoted.version, retag(promoted, provenance));
  return provenance;
}

export function retag(version: SecretVersionInfo, provenance: Provenance): SecretWrite {
  const tags = replicaTags(withoutProvenance(version.tags), provenance);
  if (!tags.ok) throw new Error(tags.reason);
  return { ...attributes(version), tags: tags.tags };
}

function attributes(version: SecretVersionInfo): Omit<SecretWrite, 'tags'> {
  return {
    enabled: version.enabled,
    notBefore: version.notBefore,
    expires: version.expires,
    contentType: version.contentType,
  };
}

function withoutProvenance(tags: Readonly<Record<string, string>>): Record<string, string> {
  const { [PROVENANCE_TAG]: _ours, ...own } = tags;
  return own;
}
