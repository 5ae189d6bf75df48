import type { ObjectFilters } from '../filters/object-filter';

/** A vault as resolved from configuration (and, at run time, ARM). */
export interface ResolvedVault {
  readonly name: string;
  readonly region?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** Key into `tenants` (the credential to use). */
  readonly tenant: string;
  /** Data-plane endpoint. */
  readonly uri: string;
}

export interface ResolvedReplica extends ResolvedVault {
  readonly region: string;
  readonly autoCreate: boolean;
  /** What ARM showed discovery about who else uses this vault (see `ReplicationOnly`). */
  readonly replicationOnly?: ReplicationOnly;
}

/**
 * What discovery learnt from ARM about a replica a selection resolved, which configuration alone
 * cannot say: without it, a vault the configuration does not name gets the smaller source share
 * of Key Vault's budget (issue #21: a 200-vault resync ran at half the pace its replicas allow).
 */
export interface ReplicationOnly {
  /** No link reads this vault (not a source, not two-way): only replication writes it. */
  readonly vault: boolean;
  /**
   * Every vault ARM lists in this vault's subscription and region is such a replica, so that
   * subscription-wide budget serves replication alone.
   */
  readonly subscriptionRegion: boolean;
}

/** Everything a worker needs to know about how one source replicates to its replicas. */
export interface LinkBehaviour {
  readonly mode: 'one-way' | 'two-way';
  readonly deletion: {
    readonly policy: 'keep' | 'delete';
    readonly maxDeletePercent: number;
    readonly minObjects: number;
  };
  readonly objectKinds: readonly ('secrets' | 'certificates')[];
  readonly history: 'latest' | 'enabledVersions';
  readonly filters: ObjectFilters;
}

/** One source vault and its replicas. A two-way link has one replica, replicating back too. */
export interface ResolvedLink extends LinkBehaviour {
  readonly name: string;
  /** Key path of the config entry that made this link, for messages. */
  readonly origin: string;
  readonly source: ResolvedVault;
  readonly replicas: readonly ResolvedReplica[];
}

/**
 * A selection that can only be resolved against ARM at run time (`all`, `allExcept`, or
 * destinations from the `dst_key_vault_names` tag). Discovery expands it into links.
 */
export interface DynamicSelection extends LinkBehaviour {
  readonly name: string;
  readonly origin: string;
  readonly selectionMode: 'specific' | 'all' | 'allExcept';
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly tenant: string;
  readonly vaults: readonly { name: string; destinationName?: string | undefined }[];
  readonly excludeVaults: readonly string[];
  readonly destinationsFromTag: boolean;
  readonly destinations: readonly {
    readonly region: string;
    readonly subscriptionId: string | undefined;
    readonly resourceGroup: string | undefined;
    readonly tenant: string;
    readonly namingPattern: string;
    readonly autoCreate: boolean;
  }[];
}

export interface Topology {
  readonly links: readonly ResolvedLink[];
  readonly selections: readonly DynamicSelection[];
}
