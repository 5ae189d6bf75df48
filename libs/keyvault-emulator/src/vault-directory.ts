import type { VaultRegistry, VaultResource, VaultResourceInput } from './arm/vault-registry';
import { DEFAULT_REGION } from './emulator-options';
import { errors } from './errors';
import type { OfflineMode } from './http/listening-server';
import { withAsyncLifecycle } from './lifecycle/async-lifecycle-family';
import { createInMemoryVaultStore } from './storage/in-memory-store';
import { VaultEndpoint, type VaultEndpointDeps } from './vault-endpoint';

/** One vault: its ARM resource and its running data plane. */
export interface VaultEntry {
  readonly resource: VaultResource;
  readonly endpoint: VaultEndpoint;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * All vaults of the emulator, keyed by their globally unique name. Implements the ARM
 * registry: creating a vault brings its HTTPS data plane up, deleting it takes it down.
 */
export class VaultDirectory implements VaultRegistry {
  readonly #vaults = new Map<string, VaultEntry>();
  readonly #subscriptions = new Set<string>();
  readonly #deps: VaultEndpointDeps;
  readonly #defaultTenantId: string;
  readonly #availabilityOf: (name: string, region: string) => OfflineMode | 'online';
  #nextPort: number | undefined;

  constructor(options: {
    deps: VaultEndpointDeps;
    defaultTenantId: string;
    defaultSubscriptionId: string;
    /** First data-plane port when ports are fixed; undefined = any free port. */
    firstPort: number | undefined;
    availabilityOf: (name: string, region: string) => OfflineMode | 'online';
  }) {
    this.#deps = options.deps;
    this.#defaultTenantId = options.defaultTenantId;
    this.#subscriptions.add(options.defaultSubscriptionId.toLowerCase());
    this.#nextPort = options.firstPort;
    this.#availabilityOf = options.availabilityOf;
  }

  find(name: string): VaultEntry | undefined {
    return this.#vaults.get(name.toLowerCase());
  }

  entries(): VaultEntry[] {
    return [...this.#vaults.values()];
  }

  list(subscriptionId: string, resourceGroup?: string): readonly VaultResource[] {
    return this.entries()
      .map((entry) => entry.resource)
      .filter((vault) => same(vault.subscriptionId, subscriptionId))
      .filter((vault) => resourceGroup === undefined || same(vault.resourceGroup, resourceGroup));
  }

  knowsSubscription(subscriptionId: string): boolean {
    return this.#subscriptions.has(subscriptionId.toLowerCase());
  }

  isNameTaken(name: string): boolean {
    return this.#vaults.has(name.toLowerCase());
  }

  get(subscriptionId: string, resourceGroup: string, name: string): VaultResource | undefined {
    return this.list(subscriptionId, resourceGroup).find((vault) => same(vault.name, name));
  }

  async put(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    input: VaultResourceInput,
    port?: number,
  ): Promise<{ vault: VaultResource; created: boolean }> {
    const existing = this.find(name);
    if (existing) {
      const { resource } = existing;
      if (
        !same(resource.subscriptionId, subscriptionId) ||
        !same(resource.resourceGroup, resourceGroup)
      ) {
        throw errors.vaultAlreadyExists(name);
      }
      const updated: VaultResource = {
        ...resource,
        location: input.location ?? resource.location,
        tags: input.tags ?? resource.tags,
        skuName: input.skuName ?? resource.skuName,
        extraProperties: input.extraProperties ?? resource.extraProperties,
      };
      this.#vaults.set(name.toLowerCase(), { ...existing, resource: updated });
      return { vault: updated, created: false };
    }
    const identity = {
      name,
      region: input.location ?? DEFAULT_REGION,
      subscriptionId,
      resourceGroup,
      tenantId: input.tenantId ?? this.#defaultTenantId,
    };
    const store = withAsyncLifecycle(
      createInMemoryVaultStore(),
      this.#deps.clock,
      this.#deps.lifecycleDelayMs,
    );
    const endpoint = new VaultEndpoint(identity, store, this.#deps);
    await endpoint.start(port ?? (this.#nextPort === undefined ? 0 : this.#nextPort++));
    const resource: VaultResource = {
      subscriptionId,
      resourceGroup,
      name,
      location: identity.region,
      tenantId: identity.tenantId,
      tags: input.tags ?? {},
      skuName: input.skuName ?? 'standard',
      extraProperties: input.extraProperties ?? {},
      vaultUri: `${endpoint.origin}/`,
    };
    this.#vaults.set(name.toLowerCase(), { resource, endpoint });
    this.#subscriptions.add(subscriptionId.toLowerCase());
    // A vault created inside an offline region starts offline.
    await this.applyAvailability();
    return { vault: resource, created: true };
  }

  async delete(subscriptionId: string, resourceGroup: string, name: string): Promise<boolean> {
    if (!this.get(subscriptionId, resourceGroup, name)) return false;
    const entry = this.find(name)!;
    this.#vaults.delete(name.toLowerCase());
    await entry.endpoint.stop();
    return true;
  }

  /** Brings every data plane to the availability the faults ask for. */
  async applyAvailability(): Promise<void> {
    for (const { endpoint, resource } of this.#vaults.values()) {
      const wanted = this.#availabilityOf(resource.name, resource.location);
      if (wanted === 'online') await endpoint.server.goOnline();
      else await endpoint.server.goOffline(wanted);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.entries().map((entry) => entry.endpoint.stop()));
  }
}
