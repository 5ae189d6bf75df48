import { readProvenance, withoutProvenance, type CompiledFilter } from '@akv-replicator/core';
import type { CertificateItem } from '@akv-replicator/keyvault';
import {
  deletionBreaker,
  type DiffOptions,
  type DiffReport,
  type DriftEntry,
} from './diff-listings';

export interface CertificateDiffOptions {
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly mode: 'one-way' | 'two-way';
  readonly overwriteUnowned: boolean;
  readonly filter: CompiledFilter;
  /** Deletion policy and mass-deletion breaker of the link (default: keep). */
  readonly deletion?: DiffOptions['deletion'];
}

/**
 * Compares certificate listings by provenance and thumbprint (list calls only, no key
 * material): a replica is in sync when its provenance names the source's current `updated`
 * time and it holds the same `x5t`, enabled state and tags. Listings carry no policy or
 * content type: a replica policy edited by hand is put back by the next task for that
 * certificate, and content-type filters are applied by the converter. Under the delete policy,
 * our replicas whose source is gone are reported as `deleted-at-source`, unless the
 * mass-deletion breaker (DESIGN principle 8) holds them back.
 */
export function diffCertificateListings(
  sourceItems: readonly CertificateItem[],
  replicaItems: readonly CertificateItem[],
  options: CertificateDiffOptions,
): DiffReport {
  const replicas = new Map(replicaItems.map((item) => [item.name.toLowerCase(), item]));
  const drifted: DriftEntry[] = [];
  const unowned: string[] = [];
  let inSync = 0;
  let filtered = 0;
  for (const source of sourceItems) {
    if (!options.filter.decide({ name: source.name, tags: source.tags }).replicate) {
      filtered++;
      continue;
    }
    const replica = replicas.get(source.name.toLowerCase());
    const revision = `x5t:${source.x5t}:updated:${source.updated}`;
    if (!replica) {
      drifted.push({ objectName: source.name, drift: 'missing', revision });
      continue;
    }
    const provenance = readProvenance(replica.tags);
    if (provenance?.sourceVault.toLowerCase() === options.sourceVault.toLowerCase()) {
      if (provenance.sourceUpdated !== source.updated || replica.x5t !== source.x5t)
        drifted.push({ objectName: source.name, drift: 'version', revision });
      else if (replica.enabled !== source.enabled || !sameTags(source.tags, replica.tags))
        drifted.push({
          objectName: source.name,
          drift: 'attributes',
          revision: `replica-updated:${replica.updated}`,
        });
      else inSync++;
      continue;
    }
    if (options.mode === 'two-way') {
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
          revision: `${revision}:${replica.updated}`,
        });
      continue;
    }
    if (options.overwriteUnowned)
      drifted.push({ objectName: source.name, drift: 'unknown', revision });
    else unowned.push(source.name);
  }
  const report: DiffReport = { drifted, inSync, filtered, unowned };
  if (options.deletion?.policy !== 'delete') return report;
  const sourceNames = new Set(sourceItems.map((item) => item.name.toLowerCase()));
  const owned = replicaItems.filter(
    (item) =>
      readProvenance(item.tags)?.sourceVault.toLowerCase() === options.sourceVault.toLowerCase(),
  );
  const gone = owned.filter(
    (item) =>
      !sourceNames.has(item.name.toLowerCase()) &&
      options.filter.decide({ name: item.name, tags: item.tags }).replicate,
  );
  if (gone.length === 0) return report;
  const blocked = deletionBreaker(
    gone.length,
    owned.length,
    sourceItems.length,
    options.deletion,
    'certificates',
  );
  if (blocked)
    return {
      ...report,
      deletionsBlocked: {
        wouldDelete: gone.length,
        owned: owned.length,
        reason: blocked,
      },
    };
  for (const item of gone)
    drifted.push({
      objectName: item.name,
      drift: 'deleted-at-source',
      revision: `deleted:${item.updated}`,
    });
  return report;
}

function sameTags(
  source: Readonly<Record<string, string>>,
  replica: Readonly<Record<string, string>>,
): boolean {
  const a = withoutProvenance(source);
  const b = withoutProvenance(replica);
  return (
    Object.keys(a).length === Object.keys(b).length &&
    Object.keys(a).every((key) => a[key] === b[key])
  );
}
