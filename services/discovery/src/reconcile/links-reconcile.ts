import {
  silentLogger,
  type Logger,
  type OutcomeData,
  type ResolvedVault,
  type Trigger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { ListingObserver } from '../status/listing-observation';
import type { DirectedLink } from '../topology/directed-link';
import { ListingDiff, type DriftEntry } from './listing-diff';
import type { ListedObject, ListingKind } from './listing-kind';
import { PassObservation, tellObserver } from './listing-observations';
import { publishTask } from './task-planner';

export interface LinksReconcileDeps {
  readonly publisher: Publisher;
  readonly overwriteUnowned: boolean;
  readonly dryRun: boolean;
  readonly historyMaxVersions?: number | undefined;
  /** Publishes a discovery outcome for this reconcile run. */
  readonly outcome: (
    fields: Omit<OutcomeData, 'outcomeId' | 'service' | 'at' | 'dryRun' | 'trigger'>,
  ) => Promise<void>;
  /** Reports a link that could not be reconciled (its vault unreachable, denied…). */
  readonly linkFailed: (link: DirectedLink, error: unknown) => Promise<void>;
  /** Told each (link, replica, kind) pass's findings (the status board); never throws in. */
  readonly observer?: ListingObserver | undefined;
  /** Milliseconds since the epoch for `observedAt` (default `Date.now`). */
  readonly now?: (() => number) | undefined;
  readonly logger?: Logger | undefined;
}

export interface ReconcileScopeOfSource {
  readonly trigger: Trigger;
  readonly objectName?: string;
  readonly dryRun?: boolean;
  readonly traceparent?: string;
}

export interface Tallies {
  tasks: number;
  inSync: number;
  filtered: number;
  unowned: number;
  deletionsBlocked: number;
}

interface Pass<Item extends ListedObject> {
  readonly link: DirectedLink;
  readonly diff: ListingDiff<Item>;
  readonly seen: PassObservation;
}

/**
 * One kind's objects on every link out of one source vault, streamed (issue #21): each
 * replica's listing becomes a compact index of names, then the source is listed once, page by
 * page, and each object's tasks are published as it goes by. Memory follows the replicas' name
 * counts, never a whole listing; list calls stay one pass per vault (DESIGN principle 5).
 */
export async function reconcileSourceLinks<Item extends ListedObject>(
  kind: ListingKind<Item>,
  links: readonly DirectedLink[],
  scope: ReconcileScopeOfSource,
  summary: Tallies,
  deps: LinksReconcileDeps,
): Promise<void> {
  const send = async (link: DirectedLink, entry: DriftEntry) => {
    const sent = await publishTask(deps.publisher, {
      link,
      objectKind: kind.objectKind,
      objectName: entry.objectName,
      drift: entry.drift,
      revision: entry.revision,
      trigger: scope.trigger,
      dryRun: scope.dryRun ?? deps.dryRun,
      ...(deps.historyMaxVersions === undefined
        ? {}
        : { historyMaxVersions: deps.historyMaxVersions }),
      ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
    });
    if (sent) summary.tasks++;
  };
  if (scope.objectName) return resyncOne(kind, links, scope.objectName, scope.trigger, send, deps);
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const live: Pass<Item>[] = [];
  for (const link of links) {
    const diff = new ListingDiff(kind, {
      sourceVault: link.source.name,
      replicaVault: link.replica.name,
      mode: link.mode,
      deletion: link.deletion,
      overwriteUnowned: deps.overwriteUnowned,
      filter: link.filter,
    });
    const seen = new PassObservation(kind, link, deps.observer !== undefined);
    try {
      for await (const item of kind.list(link.replica)) diff.index(item);
      live.push({ link, diff, seen });
    } catch (error) {
      tellObserver(deps.observer, seen.build(now(), undefined, error), logger);
      await deps.linkFailed(link, error);
    }
  }
  if (live.length === 0) return;
  try {
    for await (const item of kind.list(live[0]!.link.source))
      for (const { link, diff, seen } of live) {
        const drift = diff.visit(item);
        if (!drift) continue;
        seen.add(drift);
        await send(link, drift);
      }
  } catch (error) {
    for (const { link, diff, seen } of live) {
      tellObserver(deps.observer, seen.build(now(), diff, error), logger);
      await deps.linkFailed(link, error);
    }
    return;
  }
  for (const pass of live) await finishPass(kind, pass, summary, send, deps);
  for (const { diff, seen } of live) tellObserver(deps.observer, seen.build(now(), diff), logger);
}

/** Deletions, tallies and the pass's warnings, once the source listing is complete. */
async function finishPass<Item extends ListedObject>(
  kind: ListingKind<Item>,
  { link, diff, seen }: Pass<Item>,
  summary: Tallies,
  send: (link: DirectedLink, entry: DriftEntry) => Promise<void>,
  deps: LinksReconcileDeps,
): Promise<void> {
  summary.inSync += diff.inSync;
  summary.filtered += diff.filtered;
  summary.unowned += diff.unownedCount;
  const { deletions, deletionsBlocked } = diff.finish();
  for (const entry of deletions) {
    seen.add(entry);
    await send(link, entry);
  }
  const where = {
    link: link.name,
    objectKind: kind.objectKind,
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
      reason: `${diff.unownedCount} ${kind.objectKind}(s) in ${link.replica.name} have no provenance from ${link.source.name} and are not overwritten: ${names}`,
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

/**
 * One named object: converge it whatever the listings say; the worker reads real state. Kinds
 * that share names with another kind look it up in the source listing first.
 */
async function resyncOne<Item extends ListedObject>(
  kind: ListingKind<Item>,
  links: readonly DirectedLink[],
  objectName: string,
  trigger: Trigger,
  send: (link: DirectedLink, entry: DriftEntry) => Promise<void>,
  deps: LinksReconcileDeps,
): Promise<void> {
  let name = objectName;
  if (kind.resyncOnlyWhenListed && links.length > 0) {
    let found: Item | undefined;
    try {
      for await (const item of kind.list(links[0]!.source))
        if (item.name.toLowerCase() === objectName.toLowerCase()) found = item;
    } catch (error) {
      for (const link of links) await deps.linkFailed(link, error);
      return;
    }
    if (!found) return;
    name = found.name;
  }
  for (const link of links)
    await send(link, { objectName: name, drift: 'unknown', revision: `resync:${trigger.id}` });
}

/** A vault as outcomes name it. */
export const ref = (vault: ResolvedVault & { region?: string }) =>
  ({ name: vault.name, uri: vault.uri, ...(vault.region ? { region: vault.region } : {}) }) as {
    name: string;
    uri: string;
    region: string;
  };
