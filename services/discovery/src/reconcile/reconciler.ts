import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  createEnvelope,
  silentLogger,
  type Logger,
  type OutcomeData,
  type Trigger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { ListingObserver } from '../status/listing-observation';
import type { DirectedLink } from '../topology/directed-link';
import type { TopologyResolver } from '../topology/topology-resolver';
import { ref, reconcileSourceLinks } from './links-reconcile';
import type { ListedObject, ListingKind } from './listing-kind';
import {
  certificateListings,
  secretListings,
  type CertificateStoreProvider,
  type SecretStoreProvider,
} from './listing-kinds';
import { DISCOVERY_SOURCE } from './task-planner';

export type { SecretStoreProvider, CertificateStoreProvider } from './listing-kinds';

export interface ReconcileScope {
  readonly trigger: Trigger;
  /** Only links whose source is this vault. */
  readonly vault?: string;
  /** Only this object: a task is sent for it whatever the diff says (a forced resync). */
  readonly objectName?: string;
  readonly dryRun?: boolean;
  readonly traceparent?: string;
  /** Which kinds to reconcile (a resync command's objectKinds); default both. */
  readonly objectKinds?: readonly ('secret' | 'certificate')[];
}

export interface ReconcileSummary {
  readonly links: number;
  readonly tasks: number;
  readonly inSync: number;
  readonly filtered: number;
  readonly unowned: number;
  readonly failedLinks: number;
  readonly deletionsBlocked: number;
}

export interface ReconcilerOptions {
  readonly topology: TopologyResolver;
  readonly stores: SecretStoreProvider;
  /** When given, links that replicate certificates are reconciled too. */
  readonly certificateStores?: CertificateStoreProvider;
  readonly publisher: Publisher;
  readonly overwriteUnowned: boolean;
  readonly dryRun: boolean;
  /** `replication.historyMaxVersions`, for links with `history: enabledVersions`. */
  readonly historyMaxVersions?: number;
  readonly logger?: Logger;
  /**
   * Told what each (link, replica, kind) pass found not in sync (the status board, issue #20).
   * Called synchronously; an observer that throws is logged and ignored.
   */
  readonly observer?: ListingObserver;
  /** Milliseconds since the epoch for observations (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * Level-triggered reconcile (DESIGN principle 4): lists each source once and each replica,
 * diffs by provenance (list calls only, principle 5) and publishes one task per drifted
 * (object, replica). Failures are per link: one unreachable vault does not stop the others.
 */
export class Reconciler {
  private readonly log: Logger;

  constructor(private readonly options: ReconcilerOptions) {
    this.log = options.logger ?? silentLogger;
  }

  async run(scope: ReconcileScope): Promise<ReconcileSummary> {
    const dryRun = scope.dryRun ?? this.options.dryRun;
    const { links: all, warnings } = await this.options.topology.resolve(
      scope.trigger.kind !== 'event',
      { dryRun },
    );
    const inScope = all.filter(
      (link) => !scope.vault || link.source.name.toLowerCase() === scope.vault.toLowerCase(),
    );
    const kinds = scope.objectKinds ?? ['secret', 'certificate'];
    const passes: { kind: ListingKind<ListedObject>; links: DirectedLink[] }[] = [];
    if (kinds.includes('secret'))
      passes.push({
        kind: secretListings(this.options.stores),
        links: inScope.filter((link) => link.objectKinds.includes('secrets')),
      });
    if (this.options.certificateStores && kinds.includes('certificate'))
      passes.push({
        kind: certificateListings(this.options.certificateStores),
        links: inScope.filter((link) => link.objectKinds.includes('certificates')),
      });
    for (const warning of warnings) {
      if (!scope.vault || warning.vault.toLowerCase() === scope.vault.toLowerCase()) {
        await this.outcome(scope, {
          status: 'warning',
          action: warning.action ?? 'skipped',
          link: warning.link,
          reason: `${warning.vault}: ${warning.reason}`,
          code: warning.code,
        });
      }
    }
    const summary = {
      links: new Set(passes.flatMap((pass) => pass.links)).size,
      tasks: 0,
      inSync: 0,
      filtered: 0,
      unowned: 0,
      failedLinks: 0,
      deletionsBlocked: 0,
    };
    for (const { kind, links } of passes)
      // Links out of the same source share one streamed pass over its listing.
      for (const sourceLinks of groupBySource(links))
        await reconcileSourceLinks(kind, sourceLinks, scope, summary, {
          publisher: this.options.publisher,
          overwriteUnowned: this.options.overwriteUnowned,
          dryRun: this.options.dryRun,
          historyMaxVersions: this.options.historyMaxVersions,
          outcome: (fields) => this.outcome(scope, fields),
          linkFailed: (link, error) => this.linkFailed(link, scope, summary, error),
          observer: this.options.observer,
          now: this.options.now,
          logger: this.log,
        });
    this.log.info(dryRun ? 'dry run: reconcile planned; nothing is written' : 'reconcile planned', {
      trigger: scope.trigger.kind,
      id: scope.trigger.id,
      ...summary,
    });
    await this.outcome(scope, {
      status: summary.failedLinks > 0 ? 'warning' : 'success',
      action: 'reconcile-planned',
      reason: (dryRun ? 'dry run: ' : '') + describe(summary),
      counts: summary,
    });
    return summary;
  }

  private async linkFailed(
    link: DirectedLink,
    scope: ReconcileScope,
    summary: { failedLinks: number },
    error: unknown,
  ): Promise<void> {
    summary.failedLinks++;
    this.log.warn('reconcile of link failed', {
      link: link.name,
      source: link.source.name,
      replica: link.replica.name,
      error: (error as Error).message,
    });
    await this.outcome(scope, {
      status: 'failure',
      action: 'reconcile-failed',
      link: link.name,
      source: ref(link.source),
      replica: ref(link.replica),
      reason: (error as Error).message,
      code: (error as { code?: string }).code ?? 'ReconcileFailed',
    });
  }

  private async outcome(
    scope: ReconcileScope,
    fields: Omit<OutcomeData, 'outcomeId' | 'service' | 'at' | 'dryRun' | 'trigger'>,
  ): Promise<void> {
    const data = {
      outcomeId: randomUUID(),
      service: 'discovery',
      trigger: scope.trigger,
      dryRun: scope.dryRun ?? this.options.dryRun,
      at: new Date().toISOString(),
      ...fields,
    };
    await this.options.publisher.publish(
      TOPICS.outcomes,
      createEnvelope('akv.outcome.v1', data, {
        id: data.outcomeId,
        source: DISCOVERY_SOURCE,
        ...traced(scope),
      }),
    );
  }
}

function groupBySource(links: readonly DirectedLink[]): DirectedLink[][] {
  const bySource = new Map<string, DirectedLink[]>();
  for (const link of links) {
    const key = link.source.uri.toLowerCase();
    bySource.set(key, [...(bySource.get(key) ?? []), link]);
  }
  return [...bySource.values()];
}

const traced = (scope: ReconcileScope) =>
  scope.traceparent ? { traceparent: scope.traceparent } : {};

function describe(summary: ReconcileSummary): string {
  return `${summary.tasks} task(s) across ${summary.links} link(s); ${summary.inSync} in sync, ${summary.filtered} filtered, ${summary.unowned} not ours${summary.failedLinks ? `, ${summary.failedLinks} link(s) failed` : ''}${summary.deletionsBlocked ? `, ${summary.deletionsBlocked} deletion(s) blocked` : ''}`;
}
