import {
  loadConfigText,
  TOPICS,
  type AnyEnvelope,
  type LoadedConfig,
  type OutcomeData,
  type ServiceApp,
} from '@akv-replicator/core';
import { ack, createMemoryBus, type MemoryBus } from '@akv-replicator/bus';
import {
  MemorySecretStore,
  type MemoryVaultDirectory,
  type VaultAddress,
  type VaultDirectory,
} from '@akv-replicator/keyvault';
import { createDiscoveryApp, type DiscoveryApp } from '@akv-replicator/discovery';
import { createReplicatorApp } from '@akv-replicator/replicator';

/**
 * Discovery and replicators over the memory bus and in-memory vaults: the pipeline's logic at
 * unit-test speed. (The emulator-backed tests prove the same through real HTTPS.)
 */
export class MemoryPipeline {
  readonly vaults = new Map<string, MemorySecretStore>();
  readonly outcomes: OutcomeData[] = [];
  readonly tasks: AnyEnvelope[] = [];
  readonly bus: MemoryBus = createMemoryBus();
  readonly discovery: DiscoveryApp;
  readonly replicator: ServiceApp;
  clock = 1_000;

  constructor(
    readonly loaded: LoadedConfig,
    options: { regions: string[]; directory?: VaultDirectory } = { regions: [] },
  ) {
    const stores = (vault: VaultAddress) => this.vault(vault.name);
    this.discovery = createDiscoveryApp(loaded.config, {
      topology: loaded.topology,
      bus: this.bus,
      stores,
      ...(options.directory ? { directory: options.directory } : {}),
      uriFor: (n) => `https://${n}.vault.test`,
      deadLetterCheckMs: 50,
    });
    this.replicator = createReplicatorApp(loaded.config, {
      bus: this.bus,
      stores,
      regions: options.regions,
      retryDelaysMs: [10],
    });
  }

  static fromYaml(
    yaml: string,
    regions: string[],
    directory?: MemoryVaultDirectory,
  ): MemoryPipeline {
    return new MemoryPipeline(loadConfigText(yaml, { env: {} }), {
      regions,
      ...(directory ? { directory } : {}),
    });
  }

  vault(name: string): MemorySecretStore {
    let store = this.vaults.get(name.toLowerCase());
    if (!store)
      this.vaults.set(
        name.toLowerCase(),
        (store = new MemorySecretStore(name, { now: () => this.clock })),
      );
    return store;
  }

  async start(): Promise<void> {
    await this.bus.subscribe(
      TOPICS.outcomes,
      { subscription: 'test-outcomes' },
      async (envelope) => {
        if (envelope.type === 'akv.outcome.v1') this.outcomes.push(envelope.data);
        return ack();
      },
    );
    await this.bus.subscribe(
      TOPICS.secretTasks,
      { subscription: 'test-task-log' },
      async (envelope) => {
        this.tasks.push(envelope);
        return ack();
      },
    );
    await this.replicator.start();
    await this.discovery.start();
  }

  async stop(): Promise<void> {
    await this.discovery.stop();
    await this.replicator.stop();
    await this.bus.close();
  }
}
