import {
  expandSelection,
  silentLogger,
  type ArmVault,
  type Logger,
  type ResolvedLink,
  type Topology,
} from '@akv-replicator/core';
import { readPromotion, type Promotion, type VaultDirectory } from '@akv-replicator/keyvault';
import { directLinks, type DirectedLink } from './directed-link';
import { refuseConflictingLinks, replicaIsSource } from './link-safety';
import { markReplicationOnly } from './replication-only';
import { applyPromotions } from './promotion';

/** A problem that keeps one vault out of replication; discovery publishes it as a warning. */
export interface TopologyWarning {
  readonly link: string;
  readonly vault: string;
  readonly reason: string;
  readonly code: string;
  /** The outcome's action; `skipped` when absent (`would-create` for a dry run's autoCreate). */
  readonly action?: string;
}

export interface ResolvedTopology {
  readonly links: readonly DirectedLink[];
  readonly warnings: readonly TopologyWarning[];
  readonly resolvedAt: number;
}

export interface TopologyResolverOptions {
  /** ARM; without it, only static links are used and replicas are assumed to exist. */
  readonly directory?: VaultDirectory;
  /** Tenant id per tenant key, for creating vaults. */
  readonly tenantIdFor?: (tenantKey: string) => string | undefined;
  readonly uriFor: (vaultName: string) => string;
  readonly refreshMs: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** `replication.dryRun`: autoCreate reports the vault it would create and creates nothing. */
  readonly dryRun?: boolean;
}

/**
 * Resolves configuration + ARM into directed links and caches them for `refreshMs`: selections
 * are expanded against vault listings, `dst_key_vault_names` tags read, and replicas that don't
 * exist are created (autoCreate) or reported as warnings and left out.
 */
export class TopologyResolver {
  private cached: ResolvedTopology | undefined;
  private inflight: Promise<ResolvedTopology> | undefined;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(
    private readonly topology: Topology,
    private readonly options: TopologyResolverOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? silentLogger;
  }

  /**
   * The current topology, re-resolved when older than `refreshMs` (or when forced). A dry run
   * (`dryRun`, e.g. `resync --dry-run` on a live deployment) resolves afresh without creating
   * any vault and leaves the cache alone, so live work never sees its would-be vaults.
   */
  async resolve(force = false, scope: { dryRun?: boolean } = {}): Promise<ResolvedTopology> {
    if (scope.dryRun && !this.options.dryRun) return this.resolveNow(true);
    if (!force && this.cached && this.now() - this.cached.resolvedAt < this.options.refreshMs)
      return this.cached;
    this.inflight ??= this.resolveNow(this.options.dryRun ?? false).finally(
      () => (this.inflight = undefined),
    );
    this.cached = await this.inflight;
    return this.cached;
  }

  private async resolveNow(dryRun: boolean): Promise<ResolvedTopology> {
    const warnings: TopologyWarning[] = [];
    const listings = new Map<string, Promise<ArmVault[]>>();
    const directory = this.options.directory;
    const list = (subscriptionId: string): Promise<ArmVault[]> => {
      if (!directory) return Promise.resolve([]);
      let listing = listings.get(subscriptionId);
      if (!listing) listings.set(subscriptionId, (listing = directory.listVaults(subscriptionId)));
      return listing;
    };

    const links: ResolvedLink[] = [...this.topology.links];
    for (const selection of this.topology.selections) {
      if (!selection.subscriptionId || !directory) {
        warnings.push({
          link: selection.name,
          vault: '*',
          reason: 'selection needs ARM access and a subscription to list vaults',
          code: 'SelectionUnresolved',
        });
        continue;
      }
      try {
        const vaults = [...(await list(selection.subscriptionId))];
        for (const d of selection.destinations)
          if (d.subscriptionId && d.subscriptionId !== selection.subscriptionId)
            vaults.push(...(await list(d.subscriptionId)));
        const expanded = expandSelection(selection, vaults, this.options.uriFor);
        links.push(...expanded.links);
        warnings.push(
          ...expanded.warnings.map((w) => ({
            link: selection.name,
            vault: w.vault,
            reason: w.reason,
            code: w.code ?? 'ReplicaUnresolved',
          })),
        );
      } catch (error) {
        warnings.push({
          link: selection.name,
          vault: '*',
          reason: `cannot list vaults: ${(error as Error).message}`,
          code: 'ArmUnavailable',
        });
      }
    }

    // Promotions first, so the loop checks see the links as they will run (ADR 0020).
    const promotions = await readPromotions(links, list);
    const promoted = applyPromotions(links, (replica) =>
      promotions.get(replica.name.toLowerCase()),
    );
    warnings.push(...promoted.notices);
    const usable: DirectedLink[] = [];
    const safe = refuseConflictingLinks(this.topology.links, promoted.links);
    warnings.push(...safe.refused);
    for (const configured of directLinks(safe.links)) {
      const link = directory ? await this.withListedSource(configured, list) : configured;
      const found = directory ? await this.ensureReplica(link, list, dryRun) : undefined;
      if (found && 'reason' in found) {
        warnings.push(found);
        continue;
      }
      // ARM knows the real data-plane endpoint (private link, sovereign cloud, emulator).
      const resolved = found ? { ...link, replica: { ...link.replica, uri: found.uri } } : link;
      const intoItself = replicaIsSource(resolved);
      if (intoItself) warnings.push(intoItself);
      else usable.push(resolved);
    }
    for (const warning of warnings) this.log.warn('topology warning', { ...warning });
    // Only ARM can say a selection's replica serves nobody else (its budget share, issue #21).
    // Both directions of a promoted pair count as read: before and after the promotion.
    const marked = directory
      ? await markReplicationOnly(usable, [...links, ...promoted.links], list)
      : usable;
    return { links: marked, warnings, resolvedAt: this.now() };
  }

  /** Uses the source's endpoint as ARM lists it, when its subscription is known. */
  private async withListedSource(
    link: DirectedLink,
    list: (subscriptionId: string) => Promise<ArmVault[]>,
  ): Promise<DirectedLink> {
    if (!link.source.subscriptionId) return link;
    try {
      const listed = (await list(link.source.subscriptionId)).find(
        (v) => v.name.toLowerCase() === link.source.name.toLowerCase(),
      );
      return listed
        ? {
            ...link,
            source: {
              ...link.source,
              uri: listed.uri,
              region: link.source.region ?? listed.location,
            },
          }
        : link;
    } catch {
      return link; // ensureReplica reports ARM trouble for the link.
    }
  }

  /** The replica vault as ARM lists it (created if allowed), or why it can't be used. */
  private async ensureReplica(
    link: DirectedLink,
    list: (subscriptionId: string) => Promise<ArmVault[]>,
    dryRun: boolean,
  ): Promise<TopologyWarning | ArmVault | undefined> {
    const { replica } = link;
    if (!replica.subscriptionId) return undefined; // Unknown subscription: trust the configuration.
    let vaults: ArmVault[];
    try {
      vaults = await list(replica.subscriptionId);
    } catch (error) {
      return {
        link: link.name,
        vault: replica.name,
        reason: `cannot check the replica vault: ${(error as Error).message}`,
        code: 'ArmUnavailable',
      };
    }
    const existing = vaults.find((v) => v.name.toLowerCase() === replica.name.toLowerCase());
    if (existing) return existing;
    if (!replica.autoCreate) {
      return {
        link: link.name,
        vault: replica.name,
        reason: `replica vault ${replica.name} does not exist in subscription ${replica.subscriptionId}; create it or set autoCreate`,
        code: 'ReplicaVaultMissing',
      };
    }
    const tenantId = this.options.tenantIdFor?.(replica.tenant);
    if (!replica.resourceGroup || !tenantId) {
      return {
        link: link.name,
        vault: replica.name,
        reason: 'autoCreate needs the resource group and the tenant id',
        code: 'ReplicaVaultMissing',
      };
    }
    if (dryRun) {
      // DESIGN principle 10: dry run writes nowhere, ARM included. The link is left out: its
      // objects are planned once the vault exists.
      this.log.info('dry run: would create replica vault', {
        link: link.name,
        vault: replica.name,
        region: replica.region,
      });
      return {
        link: link.name,
        vault: replica.name,
        reason: `dry run: would create replica vault ${replica.name} in resource group ${replica.resourceGroup} (${replica.region}, subscription ${replica.subscriptionId}); its objects are planned once it exists`,
        code: 'ReplicaVaultNotCreatedInDryRun',
        action: 'would-create',
      };
    }
    try {
      const created = await this.options.directory!.createVault({
        subscriptionId: replica.subscriptionId,
        resourceGroup: replica.resourceGroup,
        name: replica.name,
        location: replica.region,
        tenantId,
        tags: { 'akv-replicator-replica-of': link.source.name },
      });
      vaults.push(created);
      this.log.info('replica vault created', {
        link: link.name,
        vault: replica.name,
        region: replica.region,
      });
      return created;
    } catch (error) {
      return {
        link: link.name,
        vault: replica.name,
        reason: `autoCreate failed: ${(error as Error).message}`,
        code: 'ReplicaVaultCreateFailed',
      };
    }
  }
}

/**
 * The promotion tags of every replica whose subscription is known, from the listings this
 * resolution makes anyway. A listing that fails yields none: ensureReplica then leaves the link
 * out (ArmUnavailable), so an unreadable promotion never resumes the old direction.
 */
async function readPromotions(
  links: readonly ResolvedLink[],
  list: (subscriptionId: string) => Promise<ArmVault[]>,
): Promise<Map<string, Promotion>> {
  const promotions = new Map<string, Promotion>();
  for (const replica of links.flatMap((link) => link.replicas)) {
    if (!replica.subscriptionId) continue;
    const listed = await list(replica.subscriptionId).catch(() => [] as ArmVault[]);
    const vault = listed.find((v) => v.name.toLowerCase() === replica.name.toLowerCase());
    const promotion = readPromotion(vault?.tags);
    if (promotion) promotions.set(replica.name.toLowerCase(), promotion);
  }
  return promotions;
}
