import { readProvenance, type CompiledFilter } from '@akv-replicator/core';
import { sameAttributes, type SecretItem } from '@akv-replicator/keyvault';

export type Drift = 'missing' | 'version' | 'attributes' | 'deleted-at-source' | 'unknown';

/** One object that needs a task, with the revision that makes its task id idempotent. */
export interface DriftEntry {
  readonly objectName: string;
  readonly drift: Drift;
  readonly revision: string;
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

/**
 * Compares a source listing with a replica listing (DESIGN principles 4 and 5): list calls only,
 * no values. Provenance on each replica names the source `updated` time it was made from, so
 * any source change (new version, enable/disable, tags, contentType, expiry) shows as drift,
 * and replica-side edits show as attribute differences. Certificate-backed secrets are left
 * to the certificate diff.
 */
export function diffListings(
  sourceItems: readonly SecretItem[],
  replicaItems: readonly SecretItem[],
  options: DiffOptions,
): DiffReport {
  const replicas = new Map(replicaItems.map((item) => [item.name.toLowerCase(), item]));
  const sourceNames = new Set<string>();
  const drifted: DriftEntry[] = [];
  const unowned: string[] = [];
  let inSync = 0;
  let filtered = 0;
  const isOurs = (item: SecretItem) =>
    readProvenance(item.tags)?.sourceVault.toLowerCase() === options.sourceVault.toLowerCase();

  for (const source of sourceItems) {
    sourceNames.add(source.name.toLowerCase());
    if (source.managed) continue;
    if (!options.filter.decide(source).replicate) {
      filtered++;
      continue;
    }
    const replica = replicas.get(source.name.toLowerCase());
    if (!replica) {
      drifted.push({
        objectName: source.name,
        drift: 'missing',
        revision: `updated:${source.updated}`,
      });
      continue;
    }
    const provenance = readProvenance(replica.tags);
    if (isOurs(replica)) {
      if (provenance!.sourceUpdated !== source.updated) {
        drifted.push({
          objectName: source.name,
          drift: 'version',
          revision: `updated:${source.updated}`,
        });
      } else if (!sameAttributes(source, replica)) {
        drifted.push({
          objectName: source.name,
          drift: 'attributes',
          revision: `replica-updated:${replica.updated}`,
        });
      } else inSync++;
      continue;
    }
    if (options.mode === 'two-way') {
      // The source may itself be our copy of this replica's current write.
      const echo = readProvenance(source.tags);
      if (
        echo?.sourceVault.toLowerCase() === options.replicaVault.toLowerCase() &&
        echo.sourceUpdated === replica.updated
      )
        inSync++;
      else
        drifted.push({
          objectName: source.name,
          drift: 'unknown',
          revision: `updated:${source.updated}:${replica.updated}`,
        });
      continue;
    }
    if (options.overwriteUnowned)
      drifted.push({
        objectName: source.name,
        drift: 'unknown',
        revision: `updated:${source.updated}`,
      });
    else unowned.push(source.name);
  }

  const report: DiffReport = { drifted, inSync, filtered, unowned };
  if (options.deletion.policy !== 'delete') return report;
  const owned = replicaItems.filter((item) => !item.managed && isOurs(item));
  const gone = owned.filter(
    (item) => !sourceNames.has(item.name.toLowerCase()) && options.filter.decide(item).replicate,
  );
  if (gone.length === 0) return report;
  const blocked = deletionBreaker(gone.length, owned.length, sourceItems.length, options.deletion);
  if (blocked)
    return {
      ...report,
      deletionsBlocked: { wouldDelete: gone.length, owned: owned.length, reason: blocked },
    };
  for (const item of gone)
    drifted.push({
      objectName: item.name,
      drift: 'deleted-at-source',
      revision: `deleted:${item.updated}`,
    });
  return report;
}

/**
 * DESIGN principle 8: a listing that suddenly shrinks a lot is an incident, not an instruction.
 * Returns the reason to hold deletions back, or undefined to let them through.
 */
export function deletionBreaker(
  wouldDelete: number,
  owned: number,
  sourceCount: number,
  limits: { readonly maxDeletePercent: number; readonly minObjects: number },
  noun: 'secrets' | 'certificates' = 'secrets',
): string | undefined {
  if (sourceCount === 0 && wouldDelete > 0) {
    return `the source listed no ${noun} while the replica holds ${owned} of ours: refusing to delete everything`;
  }
  const percent = (wouldDelete * 100) / owned;
  if (owned >= limits.minObjects && percent > limits.maxDeletePercent) {
    return `deleting ${wouldDelete} of ${owned} replicated ${noun} (${percent.toFixed(1)} %) exceeds maxDeletePercent ${limits.maxDeletePercent} %`;
  }
  return undefined;
}
