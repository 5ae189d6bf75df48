import { readProvenance, withoutProvenance, type CompiledFilter } from '@akv-replicator/core';
import type { CertificateItem } from '@akv-replicator/keyvault';
import type { DiffReport, DriftEntry } from './diff-listings';

export interface CertificateDiffOptions {
  readonly sourceVault: string;
  readonly replicaVault: string;
  readonly mode: 'one-way' | 'two-way';
  readonly overwriteUnowned: boolean;
  readonly filter: CompiledFilter;
}

/**
 * Compares certificate listings by provenance and thumbprint (list calls only, no key
 * material): a replica is in sync when its provenance names the source's current `updated`
 * time and it holds the same `x5t`, enabled state and tags. Listings carry no policy or
 * content type: a replica policy edited by hand is put back by the next task for that
 * certificate, and content-type filters are applied by the converter. Certificate deletions
 * are not replicated, so no deletion drift is reported.
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
  return { drifted, inSync, filtered, unowned };
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
