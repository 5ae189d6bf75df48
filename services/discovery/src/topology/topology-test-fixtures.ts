// Shared by the topology tests: one subscription, memory vaults and ARM, and a discovery app
// over them whose reconcile runs only when a test asks.
import { loadConfigText, type ArmVault } from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import {
  MemorySecretStore,
  MemoryVaultDirectory,
  type VaultAddress,
} from '@akv-replicator/keyvault';
import { createDiscoveryApp } from '../app';
import { TopologyResolver } from './topology-resolver';

export const S = '11111111-1111-4111-8111-111111111111';
export const uriFor = (name: string) => `https://${name}.vault.test`;

/** A resolver of `yaml` (in subscription S) over these ARM vaults; no ARM when undefined. */
export function resolver(yaml: string, vaults: ArmVault[] | undefined) {
  const { topology } = loadConfigText(`azure: { sourceSubscriptionId: ${S} }\n${yaml}`, {
    env: {},
  });
  return new TopologyResolver(topology, {
    ...(vaults ? { directory: new MemoryVaultDirectory(vaults, uriFor) } : {}),
    uriFor,
    refreshMs: 0,
  });
}

/**
 * A discovery app for `yaml` over these ARM vaults and memory stores, kv-a holding one secret
 * (`db`). Scheduled and start-up reconciles are off: the test runs `app.reconciler.run`.
 */
export function discoveryOver(yaml: string, vaults: ArmVault[], bus: Bus) {
  const stores = new Map<string, MemorySecretStore>();
  const store = (vault: VaultAddress) => {
    let found = stores.get(vault.name);
    if (!found) stores.set(vault.name, (found = new MemorySecretStore(vault.name)));
    return found;
  };
  const { config, topology } = loadConfigText(
    `azure: { sourceSubscriptionId: ${S} }\nreplication: { reconcile: { suspend: true, onStart: false } }\n${yaml}`,
    { env: {} },
  );
  const app = createDiscoveryApp(config, {
    topology,
    bus,
    stores: store,
    directory: new MemoryVaultDirectory(vaults, uriFor),
    uriFor,
  });
  return {
    app,
    /** Starts the app with kv-a's secret in place. */
    async start() {
      await store({ name: 'kv-a', uri: uriFor('kv-a') }).setSecret('db', 'x', {
        enabled: true,
        tags: {},
      });
      await app.start();
    },
  };
}
