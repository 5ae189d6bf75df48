import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { stringify } from 'yaml';
import {
  loadConfigText,
  silentLogger,
  type ConfigInput,
  type LoadedConfig,
  type Logger,
} from '@akv-replicator/core';
import { createMemoryBus, type Bus } from '@akv-replicator/bus';
import {
  startEmulator,
  type EmulatorOptions,
  type KeyVaultEmulator,
  type VaultSpec,
} from '@akv-replicator/keyvault-emulator';
import { azureAdapters } from '@akv-replicator/runtime';
import { startServices, type RunningStack, type StackAdapters } from './start-services';

/** The static token the local emulator accepts (any token does; this one names the mode). */
const LOCAL_TOKEN = 'local-demo-token';

export const LOCAL_SECOND_SUBSCRIPTION = '00000000-0000-4000-8000-0000000b0b0b';

/** The demo topology: one source, replicas in two other regions, one in another subscription. */
export const DEMO_VAULTS = {
  source: { name: 'kv-demo-weu', region: 'westeurope' },
  replicas: [
    { name: 'kv-demo-neu', region: 'northeurope' },
    { name: 'kv-demo-eus', region: 'eastus', subscriptionId: LOCAL_SECOND_SUBSCRIPTION },
  ],
} as const;

export interface LocalStackOptions {
  readonly logger?: Logger;
  /** Event Grid schema the emulator pushes to the ingress. */
  readonly eventSchema?: 'EventGridSchema' | 'CloudEventSchemaV1_0';
  /** Overrides merged into the generated configuration (e.g. a faster reconcile schedule). */
  readonly configOverrides?: Partial<ConfigInput>;
  readonly bus?: Bus;
  /** Emulator options (throttling, clock, …) merged over the demo vaults. */
  readonly emulator?: Omit<EmulatorOptions, 'vaults'>;
  /** Test knobs passed to the services (see StackAdapters.pacing, StackOptions.retryDelaysMs). */
  readonly pacing?: StackAdapters['pacing'];
  readonly retryDelaysMs?: readonly number[];
  /** Event Grid misbehaviour to inject: duplicates, reordering, delay. */
  readonly eventChaos?: { duplicateRate?: number; reorderWindowMs?: number; delayMs?: number };
  /** Extra SecretClient pipeline policies (e.g. a request counter in tests). */
  readonly additionalPolicies?: SecretClientOptions['additionalPolicies'];
}

export interface LocalStack {
  readonly emulator: KeyVaultEmulator;
  readonly bus: Bus;
  readonly loaded: LoadedConfig;
  readonly services: RunningStack;
  /** The emulator's token, as the services present it (for scripts' own SDK clients). */
  readonly credential: TokenCredential;
  /** The generated shared secret of the local ingress's Event Grid webhook. */
  readonly ingressSecret: string;
  /** The generated token of the local ingress's `POST /resync` (its own: never the webhook's). */
  readonly resyncToken: string;
  /** The generated bearer token of discovery's status endpoint and page (`status.token`). */
  readonly statusToken: string;
  /** What scripts need to drive the stack with the Azure SDKs. */
  readyInfo(): {
    vaults: Record<string, string>;
    arm: string;
    caFile: string;
    tenantId: string;
    subscriptionId: string;
    ingress: string | undefined;
    /** Discovery's status endpoint (`GET /status`, the page at `/`). */
    status: string | undefined;
    /** The effective configuration as a file, for `failover --config` (removed on stop). */
    configFile: string;
  };
  stop(): Promise<void>;
}

/**
 * The embedded default: the Key Vault emulator with demo vaults in three regions and two
 * subscriptions, the in-memory bus, and every service in this process, Event Grid wired from
 * the emulator to the ingress. Nothing leaves loopback.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.logger ?? silentLogger;
  const vaults: VaultSpec[] = [DEMO_VAULTS.source, ...DEMO_VAULTS.replicas];
  const emulator = await startEmulator({ ...options.emulator, vaults });
  const ingressSecret = randomBytes(24).toString('hex');
  const resyncToken = randomBytes(24).toString('hex');
  const statusToken = randomBytes(24).toString('hex');
  const env = {
    AKV_REPLICATOR_LOCAL_INGRESS_SECRET: ingressSecret,
    AKV_REPLICATOR_LOCAL_RESYNC_TOKEN: resyncToken,
    AKV_REPLICATOR_LOCAL_STATUS_TOKEN: statusToken,
  };
  const document: ConfigInput = {
    tenants: { default: { tenantId: emulator.tenantId } },
    azure: { armEndpoint: emulator.armEndpoint, sourceSubscriptionId: emulator.subscriptionId },
    links: [
      {
        name: 'demo',
        source: {
          vault: DEMO_VAULTS.source.name,
          region: DEMO_VAULTS.source.region,
          subscriptionId: emulator.subscriptionId,
        },
        replicas: DEMO_VAULTS.replicas.map((r) => ({
          vault: r.name,
          region: r.region,
          subscriptionId: 'subscriptionId' in r ? r.subscriptionId : emulator.subscriptionId,
        })),
      },
    ],
    ingress: {
      host: '127.0.0.1',
      port: 0,
      auth: {
        sharedSecret: { fromEnv: 'AKV_REPLICATOR_LOCAL_INGRESS_SECRET' },
        resyncToken: { fromEnv: 'AKV_REPLICATOR_LOCAL_RESYNC_TOKEN' },
      },
    },
    ...options.configOverrides,
    // The status page on loopback with its own token; overrides (a refresh interval) merge in.
    status: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      token: { fromEnv: 'AKV_REPLICATOR_LOCAL_STATUS_TOKEN' },
      ...options.configOverrides?.status,
    },
  };
  // Azure access goes through the one adapter that reads azure.emulator (azureAdapters): the
  // emulator's CA trusted, its token presented; set after the overrides so none can drop it.
  document.azure = {
    ...document.azure,
    emulator: { caFile: emulator.caFile, token: LOCAL_TOKEN },
  };
  // cert-manager pushes into a demo vault: point it at the emulator's endpoint for it.
  const certManager = options.configOverrides?.certManager;
  if (certManager && !certManager.vaultUri && vaults.some((v) => v.name === certManager.vault))
    document.certManager = { ...certManager, vaultUri: emulator.vaultUrl(certManager.vault) };
  const configText = stringify(document);
  const loaded = loadConfigText(configText, {
    env: {},
    sourceName: 'local demo configuration',
  });
  // The same document on disk so `failover … --config` can reach this run's vaults, ARM and CA.
  // It holds no secret value: the tokens stay in this process's memory (fromEnv references), the
  // emulator's token is the static one it accepts from anyone on loopback.
  const stateDir = await mkdtemp(join(tmpdir(), 'akv-replicator-local-'));
  const configFile = join(stateDir, 'config.yaml');
  await writeFile(configFile, configText, { mode: 0o600 });
  const secrets = {
    env,
    readFile: () => Promise.reject(new Error('local mode reads no secret files')),
  };
  const azure = await azureAdapters(loaded.config, secrets);
  const credential = azure.credentialFor(undefined);
  const bus = options.bus ?? createMemoryBus();
  let services: RunningStack | undefined;
  try {
    services = await startServices(
      loaded,
      {
        services: ['notifier', 'replicator', 'certificate-converter', 'discovery', 'ingress'],
        ingress: { host: '127.0.0.1', port: 0 },
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      },
      {
        bus,
        ...azure,
        secrets,
        secretClientOptions: {
          ...azure.secretClientOptions,
          ...(options.additionalPolicies ? { additionalPolicies: options.additionalPolicies } : {}),
        },
        ...(options.pacing ? { pacing: options.pacing } : {}),
        logger: log,
      },
    );
    // Event Grid on every vault that is a source: the demo's, and both ends of two-way links.
    const sources = new Set<string>();
    for (const link of loaded.topology.links) {
      sources.add(link.source.name);
      if (link.mode === 'two-way') for (const replica of link.replicas) sources.add(replica.name);
    }
    for (const vault of sources) {
      await emulator.eventGrid.subscribe({
        name: `akv-replicator-local-${vault}`,
        vault,
        endpoint: `${services.ingressUrl}/eventgrid?code=${ingressSecret}`,
        schema: options.eventSchema ?? 'EventGridSchema',
        ...(options.eventChaos ? { chaos: options.eventChaos } : {}),
      });
    }
  } catch (error) {
    await services?.stop().catch(() => {});
    await bus.close().catch(() => {});
    await emulator.stop().catch(() => {});
    await rm(stateDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
  const running = services;
  let stopping: Promise<void> | undefined;
  return {
    emulator,
    bus,
    loaded,
    services: running,
    credential,
    ingressSecret,
    resyncToken,
    statusToken,
    readyInfo: () => ({
      vaults: Object.fromEntries(vaults.map((v) => [v.name, emulator.vaultUrl(v.name)])),
      arm: emulator.armEndpoint,
      caFile: emulator.caFile,
      tenantId: emulator.tenantId,
      subscriptionId: emulator.subscriptionId,
      ingress: running.ingressUrl,
      status: running.statusUrl,
      configFile,
    }),
    stop() {
      stopping ??= (async () => {
        await running.stop();
        await bus.close();
        await emulator.stop();
        await rm(stateDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
