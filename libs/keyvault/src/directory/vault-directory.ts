import type { ArmVault } from '@akv-replicator/core';
import { VaultError } from '../errors';

/** What it takes to create a replica vault (autoCreate). */
export interface VaultCreateSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** One vault's ARM address. */
export interface VaultRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** Tags to set (added or replaced) and tag names to remove; other tags are kept. */
export interface VaultTagChange {
  readonly set?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** The ARM side: which vaults exist where, creating missing replicas, and their tags. */
export interface VaultDirectory {
  listVaults(subscriptionId: string, resourceGroup?: string): Promise<ArmVault[]>;
  createVault(spec: VaultCreateSpec): Promise<ArmVault>;
  /** Changes some of a vault's tags (failover promotion); the vault as it is afterwards. */
  updateVaultTags(vault: VaultRef, change: VaultTagChange): Promise<ArmVault>;
}

/** The vault's tags after `change`: removals first, then the tags set. */
export function applyTagChange(
  tags: Readonly<Record<string, string>> | undefined,
  change: VaultTagChange,
): Record<string, string> {
  const removed = new Set((change.remove ?? []).map((name) => name.toLowerCase()));
  const next: Record<string, string> = {};
  // ARM tag names are case-insensitive, so removal is too.
  for (const [name, value] of Object.entries(tags ?? {}))
    if (!removed.has(name.toLowerCase())) next[name] = value;
  return { ...next, ...change.set };
}

/** `/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/N` → parts. */
export function parseVaultResourceId(
  id: string,
): { subscriptionId: string; resourceGroup: string } | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i.exec(
      id,
    );
  return match ? { subscriptionId: match[1]!, resourceGroup: match[2]! } : undefined;
}

/** A real in-memory directory: what local mode and unit tests run on. */
export class MemoryVaultDirectory implements VaultDirectory {
  readonly created: VaultCreateSpec[] = [];
  private readonly vaults: ArmVault[] = [];

  constructor(
    initial: readonly ArmVault[] = [],
    private readonly uriFor: (name: string) => string = (name) => `https://${name}.vault.azure.net`,
  ) {
    this.vaults.push(...initial);
  }

  async listVaults(subscriptionId: string, resourceGroup?: string): Promise<ArmVault[]> {
    return this.vaults.filter(
      (v) =>
        v.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (!resourceGroup || v.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    );
  }

  async createVault(spec: VaultCreateSpec): Promise<ArmVault> {
    const existing = this.vaults.find((v) => v.name.toLowerCase() === spec.name.toLowerCase());
    if (existing) return existing;
    const vault: ArmVault = {
      name: spec.name,
      location: spec.location,
      subscriptionId: spec.subscriptionId,
      resourceGroup: spec.resourceGroup,
      uri: this.uriFor(spec.name),
      tags: { ...spec.tags },
    };
    this.vaults.push(vault);
    this.created.push(spec);
    return vault;
  }

  async updateVaultTags(ref: VaultRef, change: VaultTagChange): Promise<ArmVault> {
    const index = this.vaults.findIndex(
      (v) =>
        v.name.toLowerCase() === ref.name.toLowerCase() &&
        v.subscriptionId.toLowerCase() === ref.subscriptionId.toLowerCase() &&
        v.resourceGroup.toLowerCase() === ref.resourceGroup.toLowerCase(),
    );
    const vault = this.vaults[index];
    if (!vault)
      throw new VaultError(
        'not-found',
        `no such vault in subscription ${ref.subscriptionId}, resource group ${ref.resourceGroup}`,
        { vault: ref.name },
      );
    const updated: ArmVault = { ...vault, tags: applyTagChange(vault.tags, change) };
    this.vaults[index] = updated;
    return updated;
  }
}
