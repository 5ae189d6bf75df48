import type { Topology } from '@akv-replicator/core';
import { LIST_PAGE_SIZE } from './paced-store';
import { SubscriptionBudget, type SubscriptionScope } from './subscription-budget';

/**
 * Discovery's weight beside a regional worker pool's (1) when a vault's budget is split: it
 * sends one list request per 25 objects where each pool sends at least one request per object,
 * so with this weight discovery lists a vault exactly as fast as each pool can work through it.
 */
export const DISCOVERY_WEIGHT = 1 / LIST_PAGE_SIZE;

/** Share of each vault's limits replication may use, by the vault's role (0–1]. */
export interface RoleShares {
  /** A vault some link reads from: production applications read it too. */
  readonly source: number;
  /** A vault that is only ever written by replication. */
  readonly replica: number;
}

export type WorkerService = 'replicator' | 'certificate-converter';

/** What this process runs: the participants whose slices of each vault's budget it gets. */
export interface HostedRoles {
  readonly discovery: boolean;
  readonly workers: readonly { readonly service: WorkerService; readonly region: string }[];
}

/** Fractions of a vault's (or a subscription's) limits this process may use. */
export interface VaultShare {
  readonly transactions: number;
  readonly creates: number;
}

/** Who sends requests to one vault: participant → weight, the writers among them, its role. */
interface VaultUse {
  source: boolean;
  readonly readers: Map<string, number>;
  readonly writers: Set<string>;
}

const participant = (service: WorkerService, region: string) =>
  `${service}@${region.replace(/\s+/g, '').toLowerCase()}`;
const SERVICES_FOR_KIND = { secrets: 'replicator', certificates: 'certificate-converter' } as const;

/**
 * Splits each vault's budget between every process that touches it, derived from the topology
 * alone (DESIGN principle 10: "replication uses only its share of each vault's request budget"),
 * so no coordination service is needed. Participants are discovery (lists every source and
 * replica) and one worker pool per service and replica region (reads the source, writes its
 * region's replicas). This process gets the slices of the participants it hosts: all of them
 * when every service runs in one process, 1/3.04 of a source's share for one of three regional
 * replicators. Vaults the configuration does not name (selections resolved through ARM) are
 * assumed to be sources touched by every participant of the configuration: a smaller slice,
 * never a larger one.
 */
export class VaultSharePlan {
  private readonly vaults = new Map<string, VaultUse>();
  private readonly scopes = new Map<string, VaultUse>();
  private readonly everyone: VaultUse = { source: true, readers: new Map(), writers: new Set() };
  private readonly scopeOf = new Map<VaultUse, VaultUse>();
  private readonly hosted: Set<string>;

  constructor(
    topology: Topology,
    hosted: HostedRoles,
    private readonly shares: RoleShares,
  ) {
    for (const share of [shares.source, shares.replica])
      if (!(share > 0 && share <= 1)) throw new RangeError('shares must be in (0, 1]');
    this.hosted = new Set(hosted.workers.map((w) => participant(w.service, w.region)));
    if (hosted.discovery) this.hosted.add('discovery');
    this.add(this.everyone, 'discovery', DISCOVERY_WEIGHT, false);
    for (const link of topology.links) {
      const services = link.objectKinds.map((kind) => SERVICES_FOR_KIND[kind]);
      const source = this.use(link.source, true);
      this.add(source, 'discovery', DISCOVERY_WEIGHT, false);
      for (const replica of link.replicas) {
        const target = this.use(replica, link.mode === 'two-way');
        this.add(target, 'discovery', DISCOVERY_WEIGHT, false);
        const directions: [VaultUse, VaultUse, string | undefined][] = [
          [source, target, replica.region],
        ];
        // Two-way: the source's region pool reads the replica and writes the source back.
        if (link.mode === 'two-way') directions.push([target, source, link.source.region]);
        for (const [from, to, region] of directions) {
          if (!region) continue;
          for (const service of services) {
            const who = participant(service, region);
            this.add(from, who, 1, false);
            this.add(to, who, 1, true);
            this.add(this.everyone, who, 1, true);
          }
        }
      }
    }
    for (const selection of topology.selections)
      for (const destination of selection.destinations)
        for (const kind of selection.objectKinds)
          this.add(
            this.everyone,
            participant(SERVICES_FOR_KIND[kind], destination.region),
            1,
            true,
          );
  }

  /** This process's fractions of the named vault's limits. */
  shareOf(vaultName: string): VaultShare {
    return this.fractions(this.vaults.get(vaultName.toLowerCase()) ?? this.everyone);
  }

  /** This process's fractions of a subscription's limits in one region. */
  subscriptionShareOf(scope: SubscriptionScope): VaultShare {
    return this.fractions(this.scopes.get(SubscriptionBudget.keyOf(scope)) ?? this.everyone);
  }

  private fractions(use: VaultUse): VaultShare {
    const role = use.source ? this.shares.source : this.shares.replica;
    let total = 0;
    let mine = 0;
    for (const [who, weight] of use.readers) {
      total += weight;
      if (this.hosted.has(who)) mine += weight;
    }
    // A process the topology does not expect here (a status command) gets a lister's slice.
    if (mine === 0) {
      mine = DISCOVERY_WEIGHT;
      total += DISCOVERY_WEIGHT;
    }
    const writersHere = [...use.writers].filter((who) => this.hosted.has(who)).length;
    const transactions = (role * mine) / total;
    return {
      transactions,
      creates:
        use.writers.size > 0 && writersHere > 0
          ? (role * writersHere) / use.writers.size
          : transactions,
    };
  }

  private use(
    vault: { name: string; region?: string | undefined; subscriptionId?: string | undefined },
    source: boolean,
  ): VaultUse {
    const key = vault.name.toLowerCase();
    let use = this.vaults.get(key);
    if (!use) this.vaults.set(key, (use = { source, readers: new Map(), writers: new Set() }));
    use.source ||= source;
    if (vault.region && vault.subscriptionId) {
      const scopeKey = SubscriptionBudget.keyOf({
        subscriptionId: vault.subscriptionId,
        region: vault.region,
      });
      let scope = this.scopes.get(scopeKey);
      if (!scope)
        this.scopes.set(scopeKey, (scope = { source, readers: new Map(), writers: new Set() }));
      scope.source ||= source;
      // The scope shares the vault's participant maps through later `add` calls.
      this.scopeOf.set(use, scope);
    }
    return use;
  }

  private add(use: VaultUse, who: string, weight: number, writes: boolean): void {
    for (const target of [use, this.scopeOf.get(use)]) {
      if (!target) continue;
      target.readers.set(who, Math.max(target.readers.get(who) ?? 0, weight));
      if (writes) target.writers.add(who);
    }
  }
}
