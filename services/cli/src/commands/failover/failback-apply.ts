import {
  readProvenance,
  systemClock,
  type Clock,
  type ObjectKind,
  type Provenance,
} from '@akv-replicator/core';
import { copiersFor } from './failback-copy';
import { isApplied, type FailbackEntry } from './failback-plan';
import { kindStoresOf, type KindStore, type VaultStores } from './kind-stores';

export interface FailbackStores {
  readonly promoted: VaultStores;
  readonly original: VaultStores;
  /** Replicas the promoted vault served (`--as-source`): their provenance moves back too. */
  readonly served: readonly VaultStores[];
}

export interface FailbackResult {
  readonly applied: { readonly kind: ObjectKind; readonly name: string; readonly change: string }[];
  readonly retagged: number;
  readonly failed: { readonly kind: ObjectKind; readonly name: string; readonly reason: string }[];
}

/** kind/name → the provenance the promoted vault's current version carries once failback is done. */
type Adopted = Map<string, { promotedVersion: string; provenance: Provenance }>;

/**
 * Replicates the promoted vault's changes back into the original source, adopting its objects
 * explicitly: one new version per changed secret or certificate in the original (the promoted
 * vault's current value or key material, and attributes), then the promoted vault's version —
 * and the copies the served replicas hold of it — are re-tagged with provenance from that new
 * version. Tags change no version, so when the original direction resumes every vault already
 * holds what it would write: no loop, no extra version.
 */
export async function applyFailback(
  plan: readonly FailbackEntry[],
  stores: FailbackStores,
  options: { force: boolean; clock?: Clock },
): Promise<FailbackResult> {
  const applied: FailbackResult['applied'] = [];
  const failed: FailbackResult['failed'] = [];
  const copiers = copiersFor(stores.promoted, stores.original);
  const originals = kindStoresOf(stores.original);
  const adopted: Adopted = new Map();
  for (const entry of plan) {
    const { kind, name } = entry;
    const change = entry.change === 'conflict' ? entry.forced : entry.change;
    try {
      if (isApplied(entry, options.force) && change === 'deleted') {
        await originals.find((store) => store.kind === kind)!.delete(name);
        applied.push({ kind, name, change });
      } else if (isApplied(entry, options.force) && entry.promoted) {
        const provenance = await copiers[kind]!({ ...entry, promoted: entry.promoted });
        adopted.set(keyOf(kind, name), { promotedVersion: entry.promoted.version, provenance });
        applied.push({ kind, name, change: change ?? entry.change });
      } else if (
        entry.promoted &&
        (entry.change === 'in-sync' || entry.change === 'original-ahead')
      ) {
        // Already a copy of the original: the served replicas' copies of it are adopted too.
        const provenance = readProvenance(entry.promoted.tags);
        if (provenance)
          adopted.set(keyOf(kind, name), { promotedVersion: entry.promoted.version, provenance });
      }
    } catch (error) {
      failed.push({ kind, name, reason: (error as Error).message });
    }
  }
  let retagged = 0;
  for (const replica of stores.served)
    for (const store of kindStoresOf(replica))
      retagged += await retagServed(store, stores.promoted.vaultName, adopted, failed);
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

/** Re-tags a served replica's copies of what the promoted vault holds; returns how many. */
async function retagServed(
  replica: KindStore,
  promotedVault: string,
  adopted: Adopted,
  failed: FailbackResult['failed'],
): Promise<number> {
  let retagged = 0;
  for await (const item of replica.list()) {
    const target = adopted.get(keyOf(replica.kind, item.name));
    const provenance = readProvenance(item.tags);
    if (
      !target ||
      provenance?.sourceVault.toLowerCase() !== promotedVault.toLowerCase() ||
      provenance.sourceVersion !== target.promotedVersion
    )
      continue; // Not a copy of what the promoted vault holds: the resumed direction decides.
    try {
      const current = await replica.latest(item.name);
      if (current) await replica.retag(item.name, current, target.provenance);
      retagged++;
    } catch (error) {
      failed.push({
        kind: replica.kind,
        name: `${replica.vaultName}/${item.name}`,
        reason: (error as Error).message,
      });
    }
  }
  return retagged;
}

// Key Vault names are case-insensitive: a served replica may list a copy in another case.
const keyOf = (kind: ObjectKind, name: string) => `${kind}/${name.toLowerCase()}`;
