import { regionKey, type ReplicationOnly, type Topology } from '@akv-replicator/core';
import { LIST_PAGE_SIZE } from './paced-store';
import {
  SUBSCRIPTION_LIMIT_MULTIPLIER,
  SubscriptionBudget,
  type SubscriptionScope,
  type WindowLimits,
} from './subscription-budget';

/**
 * Discovery's weight beside a regional worker pool's (1) when a vault's budget is split: it
 * sends one list request per 25 objects where each pool sends at least one request per object,
 * so with this weight discovery lists a vault exactly as fast as each pool can work through it.
 * Its slice is rounded up to whole requests (see `splitWhole`).
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

/** Who sends requests to one vault: participant → weight, the writers among them, its role. */
interface VaultUse {
  source: boolean;
  readonly readers: Map<string, number>;
  readonly writers: Set<string>;
}

const participant = (service: WorkerService, region: string) => `${service}@${regionKey(region)}`;
const SERVICES_FOR_KIND = { secrets: 'replicator', certificates: 'certificate-converter' } as const;

/**
 * Splits each vault's budget between every process that touches it, derived from the topology
 * alone (DESIGN principle 10: "replication uses only its share of each vault's request budget"),
 * so no coordination service is needed. Participants are discovery (lists every source and
 * replica) and one worker pool per service and replica region (reads the source, writes its
 * region's replicas). This process gets the slices of the participants it hosts, in whole
 * requests per window: all of them when every service runs in one process, 131 of a source's
 * 400 for one of three regional replicators. Vaults the configuration does not name (selections
 * resolved through ARM) are assumed to be sources touched by every participant of the
 * configuration: a smaller slice, never a larger one. The exception is a replica discovery found
 * in ARM to be only replication's (`ReplicationOnly`, carried by its tasks): it gets the replica
 * share, split between discovery and the pools of its region that selections write into.
 */
export class VaultSharePlan {
  private readonly vaults = new Map<string, VaultUse>();
  private readonly scopes = new Map<string, VaultUse>();
  private readonly everyone: VaultUse = { source: true, readers: new Map(), writers: new Set() };
  private readonly scopeOf = new Map<VaultUse, VaultUse>();
  /** Per replica region of a selection: a replica there that only replication uses. */
  private readonly selectionReplicas = new Map<string, VaultUse>();
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
      for (const destination of selection.destinations) {
        const region = regionKey(destination.region);
        let replicas = this.selectionReplicas.get(region);
        if (!replicas) {
          replicas = { source: false, readers: new Map(), writers: new Set() };
          replicas.readers.set('discovery', DISCOVERY_WEIGHT);
          this.selectionReplicas.set(region, replicas);
        }
        // A scope the configuration's own vaults made is shared with these pools too.
        const subscriptionId = destination.subscriptionId ?? selection.subscriptionId;
        const scope = subscriptionId
          ? this.scopes.get(
              SubscriptionBudget.keyOf({ subscriptionId, region: destination.region }),
            )
          : undefined;
        for (const kind of selection.objectKinds) {
          const who = participant(SERVICES_FOR_KIND[kind], destination.region);
          for (const use of [this.everyone, replicas, scope]) if (use) this.add(use, who, 1, true);
        }
      }
  }

  /**
   * Whole requests per window this process may send to the named vault. `replicationOnly.vault`
   * counts only for a vault the configuration does not name, in a region selections replicate
   * into; for the rest, the configuration's view stands.
   */
  allowanceOf(
    vaultName: string,
    perVault: WindowLimits,
    vault?: {
      readonly region?: string | undefined;
      readonly replicationOnly?: ReplicationOnly | undefined;
    },
  ): WindowLimits {
    const known = this.vaults.get(vaultName.toLowerCase());
    if (known) return this.allowance(known, perVault);
    const replicas =
      vault?.replicationOnly?.vault && vault.region
        ? this.selectionReplicas.get(regionKey(vault.region))
        : undefined;
    return this.allowance(replicas ?? this.everyone, perVault);
  }

  /**
   * Whole requests per window this process may send to a subscription's vaults in one region;
   * `replicationOnly.subscriptionRegion` as `allowanceOf`'s hint, for a scope the configuration
   * does not know.
   */
  subscriptionAllowanceOf(
    scope: SubscriptionScope,
    perVault: WindowLimits,
    replicationOnly?: ReplicationOnly,
  ): WindowLimits {
    const known = this.scopes.get(SubscriptionBudget.keyOf(scope));
    const replicas = replicationOnly?.subscriptionRegion
      ? this.selectionReplicas.get(regionKey(scope.region))
      : undefined;
    return this.allowance(known ?? replicas ?? this.everyone, {
      transactionsPerWindow: perVault.transactionsPerWindow * SUBSCRIPTION_LIMIT_MULTIPLIER,
      createsPerWindow: perVault.createsPerWindow * SUBSCRIPTION_LIMIT_MULTIPLIER,
    });
  }

  private allowance(use: VaultUse, limits: WindowLimits): WindowLimits {
    const role = use.source ? this.shares.source : this.shares.replica;
    const transactions = wholeBelow(limits.transactionsPerWindow * role);
    const creates = wholeBelow(limits.createsPerWindow * role);
    const readersHere = [...use.readers.keys()].filter((who) => this.hosted.has(who));
    const writersHere = [...use.writers].filter((who) => this.hosted.has(who)).length;
    let mine: number;
    if (readersHere.length === use.readers.size) mine = transactions;
    else if (readersHere.length === 0) {
      // A process the topology does not expect here (a status command) gets a lister's slice.
      const total = sum(use.readers.values()) + DISCOVERY_WEIGHT;
      mine = wholeBelow((transactions * DISCOVERY_WEIGHT) / total);
    } else {
      const slices = splitWhole(transactions, use.readers);
      mine = sum(readersHere.map((who) => slices.get(who) ?? 0));
    }
    return {
      transactionsPerWindow: mine,
      createsPerWindow:
        writersHere > 0
          ? wholeBelow((creates * writersHere) / use.writers.size)
          : wholeBelow((creates * mine) / Math.max(1, transactions)),
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

/**
 * Splits `budget` whole requests among participants by weight, the total never above it.
 * Listers (weight below a pool's 1: discovery) round up and the pools share what is left,
 * rounding down: a lister one page short per window would hold every pool behind it 25 objects
 * short (measured: 5 pages of 5.26 held three pools at 125 of their 131 reads, 0.95 of the
 * source's 400). Rounded up, it lists at least as fast as any pool reads.
 */
export function splitWhole(
  budget: number,
  weights: ReadonlyMap<string, number>,
): Map<string, number> {
  const total = sum(weights.values());
  const slices = new Map<string, number>();
  let left = budget;
  let poolWeight = 0;
  for (const [who, weight] of weights)
    if (weight < 1) {
      const slice = Math.min(left, wholeAbove((budget * weight) / total));
      slices.set(who, slice);
      left -= slice;
    } else poolWeight += weight;
  for (const [who, weight] of weights)
    if (weight >= 1) slices.set(who, wholeBelow((left * weight) / poolWeight));
  return slices;
}

// Whole requests from products of decimal shares (0.29 × 100 is 28.999… in binary).
const EPSILON = 1e-9;
const wholeBelow = (requests: number) => Math.floor(requests + EPSILON);
const wholeAbove = (requests: number) => Math.ceil(requests - EPSILON);
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
