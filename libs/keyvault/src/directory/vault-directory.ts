import type { ArmVault } from '@akv-replicator/core';

/** What it takes to create a replica vault (autoCreate). */
export interface VaultCreateSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The ARM side: which vaults exist where, and creating missing replicas. */
export interface VaultDirectory {
  listVaults(subscriptionId: string, resourceGroup?: string): Promise<ArmVault[]>;
  createVault(spec: VaultCreateSpec): Promise<ArmVault>;
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
}
