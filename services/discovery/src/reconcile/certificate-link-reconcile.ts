import type { OutcomeData, ResolvedVault, Trigger } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { CertificateItem, CertificateStore } from '@akv-replicator/keyvault';
import type { DirectedLink } from '../topology/directed-link';
import { diffCertificateListings } from './diff-certificate-listings';
import type { DriftEntry } from './diff-listings';
import { publishTask } from './task-planner';

/** Opens the (paced) certificate store of a vault. */
export type CertificateStoreProvider = (vault: ResolvedVault) => CertificateStore;

export interface CertificateLinkDeps {
  readonly publisher: Publisher;
  readonly certificateStores: CertificateStoreProvider;
  readonly overwriteUnowned: boolean;
  readonly dryRun: boolean;
  /** Publishes a discovery outcome for this reconcile run. */
  readonly outcome: (
    fields: Omit<OutcomeData, 'outcomeId' | 'service' | 'at' | 'dryRun' | 'trigger'>,
  ) => Promise<void>;
}

interface CertificateScope {
  readonly trigger: Trigger;
  readonly objectName?: string;
  readonly dryRun?: boolean;
  readonly traceparent?: string;
}

interface Tallies {
  tasks: number;
  inSync: number;
  filtered: number;
  unowned: number;
  deletionsBlocked: number;
}

/**
 * Certificates of one link: diff listings by provenance + thumbprint and publish a
 * certificate task per drifted certificate. A single-object resync sends a task only when
 * the source holds a certificate of that name (a secret's resync is not one).
 */
export async function reconcileCertificateLink(
  link: DirectedLink,
  sourceItems: readonly CertificateItem[],
  scope: CertificateScope,
  summary: Tallies,
  deps: CertificateLinkDeps,
): Promise<void> {
  const dryRun = scope.dryRun ?? deps.dryRun;
  const send = (entry: DriftEntry) =>
    publishTask(deps.publisher, {
      link,
      objectKind: 'certificate',
      objectName: entry.objectName,
      drift: entry.drift,
      revision: entry.revision,
      trigger: scope.trigger,
      dryRun,
      ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
    });
  if (scope.objectName) {
    const wanted = scope.objectName.toLowerCase();
    const found = sourceItems.find((item) => item.name.toLowerCase() === wanted);
    if (found)
      summary.tasks += Number(
        await send({
          objectName: found.name,
          drift: 'unknown',
          revision: `resync:${scope.trigger.id}`,
        }),
      );
    return;
  }
  const replicaItems = await collectCertificates(deps.certificateStores(link.replica));
  const report = diffCertificateListings(sourceItems, replicaItems, {
    sourceVault: link.source.name,
    replicaVault: link.replica.name,
    mode: link.mode,
    overwriteUnowned: deps.overwriteUnowned,
    filter: link.filter,
    deletion: link.deletion,
  });
  summary.inSync += report.inSync;
  summary.filtered += report.filtered;
  summary.unowned += report.unowned.length;
  for (const entry of report.drifted) summary.tasks += Number(await send(entry));
  const where = {
    link: link.name,
    objectKind: 'certificate' as const,
    source: vaultRef(link.source),
    replica: vaultRef(link.replica),
  };
  if (report.deletionsBlocked) {
    summary.deletionsBlocked += report.deletionsBlocked.wouldDelete;
    await deps.outcome({
      ...where,
      status: 'failure',
      action: 'deletion-blocked',
      code: 'DeletionCircuitBreakerOpen',
      reason: report.deletionsBlocked.reason,
    });
  }
  if (report.unowned.length > 0) {
    await deps.outcome({
      ...where,
      status: 'warning',
      action: 'skipped',
      code: 'ReplicaNotOwned',
      reason: `${report.unowned.length} certificate(s) in ${link.replica.name} have no provenance from ${link.source.name} and are not overwritten: ${report.unowned.slice(0, 10).join(', ')}`,
    });
  }
}

/** Lists a vault's certificates (latest versions, no key material). */
export async function collectCertificates(store: CertificateStore): Promise<CertificateItem[]> {
  const items: CertificateItem[] = [];
  for await (const item of store.listCertificates()) items.push(item);
  return items;
}

const vaultRef = (vault: ResolvedVault & { region?: string }) =>
  ({ name: vault.name, uri: vault.uri, ...(vault.region ? { region: vault.region } : {}) }) as {
    name: string;
    uri: string;
    region: string;
  };
