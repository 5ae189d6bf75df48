import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, type ArmVault } from '@akv-replicator/core';
import { createMemoryBus } from '@akv-replicator/bus';
import {
  MemorySecretStore,
  MemoryVaultDirectory,
  type VaultAddress,
} from '@akv-replicator/keyvault';
import { createDiscoveryApp, type DiscoveryApp } from './app';

// replication.reconcile.suspend and replication.topologyRefreshSeconds, through the discovery
// app built from configuration. Each test runs the key's two settings side by side, so the
// contrast is observed over the same stretch of time however busy the machine is.

const SUB = '11111111-1111-4111-8111-111111111111';
const uriFor = (name: string) => `https://${name}.vault.test`;
const running: DiscoveryApp[] = [];
describe('app-config-keys', () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
  });

  /** Resolves once `condition()` holds, polling every 50 ms; fails after `timeoutMs`. */
  async function until(
    condition: () => boolean | Promise<boolean>,
    timeoutMs: number,
    what: string,
  ) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  describe('replication.reconcile.suspend', () => {
    /** Discovery with a reconcile due every second; counts the vault listings its runs make. */
    async function discovery(suspend: boolean) {
      const loaded = loadConfigText(
        `replication: { reconcile: { schedule: '* * * * * *', onStart: false, suspend: ${suspend} } }
links: [{ name: l, source: { vault: kv-src }, replicas: [{ vault: kv-dst, region: northeurope }] }]
`,
        { env: {} },
      );
      const vaults = new Map<string, MemorySecretStore>();
      const counter = { listings: 0 };
      const app = createDiscoveryApp(loaded.config, {
        topology: loaded.topology,
        bus: createMemoryBus(),
        stores: (vault: VaultAddress) => {
          counter.listings++;
          let store = vaults.get(vault.name);
          if (!store) vaults.set(vault.name, (store = new MemorySecretStore(vault.name)));
          return store;
        },
        uriFor,
      });
      running.push(app);
      await app.start();
      return counter;
    }

    it('runs no scheduled reconcile while the same schedule fires twice next to it', async () => {
      const [suspended, active] = await Promise.all([discovery(true), discovery(false)]);
      // Two runs: the schedule really fires, more than once, while both apps are up.
      await until(() => active.listings >= 4, 30_000, 'two scheduled reconciles (2 listings each)');
      assert.equal(suspended.listings, 0, 'a suspended schedule never reconciles');
    });
  });

  describe('replication.topologyRefreshSeconds', () => {
    const vault = (name: string): ArmVault => ({
      name,
      location: 'westeurope',
      subscriptionId: SUB,
      resourceGroup: 'rg',
      uri: uriFor(name),
    });

    /** Discovery over a selection (resolved from ARM listings), counting the listings. */
    function discovery(refreshSeconds: number) {
      const loaded = loadConfigText(
        `azure: { sourceSubscriptionId: ${SUB} }
replication: { topologyRefreshSeconds: ${refreshSeconds}, reconcile: { suspend: true, onStart: false } }
sources: [{ name: picked, selectionMode: specific, keyvaults: [{ name: kv-a }], destinations: [{ region: northeurope, namingPattern: '{source_name}-dr' }] }]
`,
        { env: {} },
      );
      const directory = new MemoryVaultDirectory([vault('kv-a'), vault('kv-a-dr')], uriFor);
      const counter = { listings: 0 };
      const listVaults = directory.listVaults.bind(directory);
      directory.listVaults = (subscriptionId, resourceGroup) => {
        counter.listings++;
        return listVaults(subscriptionId, resourceGroup);
      };
      const app = createDiscoveryApp(loaded.config, {
        topology: loaded.topology,
        bus: createMemoryBus(),
        stores: (address: VaultAddress) => new MemorySecretStore(address.name),
        directory,
        uriFor,
      });
      running.push(app);
      return { app, counter };
    }

    it('reuses a resolved topology for that many seconds, then lists vaults again', async () => {
      const short = discovery(1);
      const long = discovery(3600);
      const [first] = await Promise.all([
        short.app.topology.resolve(),
        long.app.topology.resolve(),
      ]);
      assert.deepEqual(
        first.links.map((l) => `${l.source.name}->${l.replica.name}`),
        ['kv-a->kv-a-dr'],
      );
      assert.equal(short.counter.listings, 1);
      assert.equal(long.counter.listings, 1);
      await until(
        async () => (await short.app.topology.resolve(), short.counter.listings === 2),
        30_000,
        'a re-listing once 1 s has passed',
      );
      await long.app.topology.resolve();
      assert.equal(long.counter.listings, 1, 'an hour has not passed: still the first listing');
    });
  });
});
