import type { OutcomeData, ResolvedVault, Trigger } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { SecretStore } from '@akv-replicator/keyvault';
import type { DirectedLink } from '../topology/directed-link';
import { ListingDiff, type DriftEntry } from './listing-diff';
import { publishTask } from './task-planner';

/** Opens the (paced) secret store of a vault. */
export type SecretStoreProvider = (vault: ResolvedVault) => SecretStore;

export interface SecretLinksDeps {
  readonly publisher: Publisher;
  readonly stores: SecretStoreProvider;
  readonly overwriteUnowned: boolean;
  readonly dryRun: boolean;
  readonly historyMaxVersions?: number | undefined;
  /** Publishes a discovery outcome for this reconcile run. */
  readonly outcome: (
    fields: Omit<OutcomeData, 'outcomeId' | 'service' | 'at' | 'dryRun' | 'trigger'>,
  ) => Promise<void>;
  /** Reports a link that could not be reconciled (its vault unreachable, denied…). */
  readonly linkFailed: (link: DirectedLink, error: unknown) => Promise<void>;
}

interface SecretScope {
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
 * The secrets of every link out of one source vault, streamed (issue #21): each replica's
 * listing becomes a compact index of names, then the source is listed once, page by page, and
 * each object's tasks are published as it goes by. Memory follows the replicas' name counts,
 * never a whole listing; list calls stay one pass per vault (DESIGN principle 5).
 */
export async function reconcileSecretSource(
  links: readonly DirectedLink[],
  scope: SecretScope,
  summary: Tallies,
  deps: SecretLinksDeps,
): Promise<void> {
  const dryRun = scope.dryRun ?? deps.dryRun;
  const send = async (link: DirectedLink, entry: DriftEntry) => {
    const sent = await publishTask(deps.publisher, {
      link,
      objectKind: 'secret',
      objectName: entry.objectName,
      drift: entry.drift,
      revision: entry.revision,
      trigger: scope.trigger,
      dryRun,
      ...(deps.historyMaxVersions === undefined
        ? {}
        : { historyMaxVersions: deps.historyMaxVersions }),
      ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
    });
    if (sent) summary.tasks++;
  };
  if (scope.objectName) {
    // One named secret: converge it whatever the listings say; the worker reads real state.
    for (const link of links)
      await send(link, {
        objectName: scope.objectName,
        drift: 'unknown',
        revision: `resync:${scope.trigger.id}`,
      });
    return;
  }
  const live: { link: DirectedLink; diff: ListingDiff }[] = [];
  for (const link of links) {
    const diff = new ListingDiff({
      sourceVault: link.source.name,
      replicaVault: link.replica.name,
      mode: link.mode,
      deletion: link.deletion,
      overwriteUnowned: deps.overwriteUnowned,
      filter: link.filter,
    });
    try {
      for await (const item of deps.stores(link.replica).listSecrets()) diff.index(item);
      live.push({ link, diff });
    } catch (error) {
      await deps.linkFailed(link, error);
    }
  }
  if (live.length === 0) return;
  try {
    for await (const item of deps.stores(live[0]!.link.source).listSecrets())
      for (const { link, diff } of live) {
        const drift = diff.visit(item);
        if (drift) await send(link, drift);
      }
  } catch (error) {
    for (const { link } of live) await deps.linkFailed(link, error);
    return;
  }
  for (const { link, diff } of live) {
    summary.inSync += diff.inSync;
    summary.filtered += diff.filtered;
    summary.unowned += diff.unownedCount;
    const { deletions, deletionsBlocked } = diff.finish();
    for (const entry of deletions) await send(link, entry);
    const where = {
      link: link.name,
      source: ref(link.source),
      replica: ref(link.replica),
    };
    if (diff.unownedCount > 0) {
      const names =
        diff.unowned.slice(0, 10).join(', ') +
        (diff.unownedCount > 10 ? ` and ${diff.unownedCount - 10} more` : '');
      await deps.outcome({
        status: 'warning',
        action: 'skipped',
        ...where,
        code: 'ReplicaNotOwned',
        reason: `${diff.unownedCount} secret(s) in ${link.replica.name} have no provenance from ${link.source.name} and are not overwritten: ${names}`,
      });
    }
    if (deletionsBlocked) {
      summary.deletionsBlocked += deletionsBlocked.wouldDelete;
      await deps.outcome({
        status: 'failure',
        action: 'deletion-blocked',
        ...where,
        code: 'DeletionCircuitBreakerOpen',
        reason: deletionsBlocked.reason,
      });
    }
  }
}

/** A vault as outcomes name it. */
export const ref = (vault: ResolvedVault & { region?: string }) =>
  ({ name: vault.name, uri: vault.uri, ...(vault.region ? { region: vault.region } : {}) }) as {
    name: string;
    uri: string;
    region: string;
  };
