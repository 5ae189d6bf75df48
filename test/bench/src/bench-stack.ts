import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { loadConfigText, TOPICS, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus, type MemoryBus } from '@akv-replicator/bus';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
  type ThrottlingOptions,
} from '@akv-replicator/keyvault-emulator';
import { startServices, type RunningStack } from 'akv-replicator';

export const SOURCE = 'kv-bench-src';
export const REPLICAS = [
  { name: 'kv-bench-neu', region: 'northeurope' },
  { name: 'kv-bench-eus', region: 'eastus' },
  { name: 'kv-bench-sea', region: 'southeastasia' },
];

/** Emulator time that can jump ahead, so seeding data does not wait out throttling windows. */
export class WarpClock {
  offsetMs = 0;
  now = () => Date.now() + this.offsetMs;
}

/** Counts Key Vault requests per vault host and responses by status. */
export class RequestCounter {
  readonly byHost = new Map<string, number>();
  readonly byStatus = new Map<number, number>();
  readonly policy: PipelinePolicy = {
    name: 'bench-request-counter',
    sendRequest: async (request, next) => {
      const host = new URL(request.url).host;
      this.byHost.set(host, (this.byHost.get(host) ?? 0) + 1);
      const response = await next(request);
      this.byStatus.set(response.status, (this.byStatus.get(response.status) ?? 0) + 1);
      return response;
    },
  };
  total(): number {
    return [...this.byHost.values()].reduce((a, b) => a + b, 0);
  }
  reset(): void {
    this.byHost.clear();
    this.byStatus.clear();
  }
}

export interface BenchStack {
  readonly emulator: KeyVaultEmulator;
  readonly bus: MemoryBus;
  readonly services: RunningStack;
  readonly credential: StaticTokenCredential;
  readonly counter: RequestCounter;
  readonly outcomes: OutcomeData[];
  readonly warp: WarpClock;
  client(vault: string): SecretClient;
  stop(): Promise<void>;
}

/** Emulator (one source, three replica regions) + memory bus + discovery + replicators. */
export async function startBenchStack(
  options: {
    throttling?: ThrottlingOptions;
    utilization?: number;
    withIngress?: boolean;
    unpaced?: boolean;
  } = {},
): Promise<BenchStack> {
  const warp = new WarpClock();
  const emulator = await startEmulator({
    clock: warp,
    throttling: options.throttling ?? { enabled: false },
    vaults: [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
  });
  const counter = new RequestCounter();
  const pipeline = await startBenchPipeline(
    {
      tenantId: emulator.tenantId,
      armEndpoint: emulator.armEndpoint,
      subscriptionId: emulator.subscriptionId,
      ca: emulator.ca,
    },
    { ...options, counter },
  );
  const { bus, services, outcomes, credential } = pipeline;
  return {
    emulator,
    bus,
    services,
    credential,
    counter,
    outcomes,
    warp,
    client: (vault) =>
      new SecretClient(emulator.vaultUrl(vault), credential, {
        ...emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
      }),
    async stop() {
      await services.stop();
      await bus.close();
      await emulator.stop();
    },
  };
}

export interface BenchTarget {
  readonly tenantId: string;
  readonly armEndpoint: string;
  readonly subscriptionId: string;
  readonly ca: string;
}

export interface BenchPipeline {
  readonly bus: MemoryBus;
  readonly services: RunningStack;
  readonly outcomes: OutcomeData[];
  readonly credential: StaticTokenCredential;
}

/**
 * Discovery + replicators (+ ingress) on a memory bus against an emulator (in this process or
 * another), outcomes collected. By default one link from SOURCE to the three REPLICAS; `topology`
 * replaces it (config `links` and/or `sources`), `keyVaultLimits` replaces the utilization.
 */
export async function startBenchPipeline(
  target: BenchTarget,
  options: {
    utilization?: number;
    withIngress?: boolean;
    unpaced?: boolean;
    counter?: RequestCounter;
    /** Counts ARM requests (kept apart from `counter`, which counts Key Vault's). */
    armCounter?: RequestCounter;
    topology?: { links?: unknown[]; sources?: unknown[] };
    keyVaultLimits?: Record<string, number>;
  },
): Promise<BenchPipeline> {
  const credential = new StaticTokenCredential('bench');
  const bus = createMemoryBus();
  const keyVaultLimits = options.unpaced
    ? { transactionsPer10s: 1_000_000, secretCreatesPer10s: 1_000_000, utilization: 1 }
    : (options.keyVaultLimits ?? { utilization: options.utilization ?? 0.8 });
  const loaded = loadConfigText(
    stringify({
      tenants: { default: { tenantId: target.tenantId } },
      azure: { armEndpoint: target.armEndpoint, sourceSubscriptionId: target.subscriptionId },
      replication: { reconcile: { suspend: true, onStart: false }, keyVaultLimits },
      ...(options.topology ?? {
        links: [
          {
            name: 'bench',
            source: { vault: SOURCE, subscriptionId: target.subscriptionId },
            replicas: REPLICAS.map((r) => ({
              vault: r.name,
              region: r.region,
              subscriptionId: target.subscriptionId,
            })),
          },
        ],
      }),
    }),
    { env: {} },
  );
  // The runtime spreads these into the ARM client, so a counter's policy counts ARM requests.
  const armOptions = {
    tlsOptions: { ca: target.ca },
    ...(options.armCounter
      ? {
          additionalPolicies: [
            { policy: options.armCounter.policy, position: 'perRetry' as const },
          ],
        }
      : {}),
  };
  const services = await startServices(
    loaded,
    {
      services: options.withIngress
        ? ['replicator', 'discovery', 'ingress']
        : ['replicator', 'discovery'],
      ingress: { host: '127.0.0.1', port: 0 },
    },
    {
      bus,
      credentialFor: () => credential,
      secrets: { env: {}, readFile: () => Promise.reject(new Error('none')) },
      secretClientOptions: {
        tlsOptions: { ca: target.ca },
        disableChallengeResourceVerification: true,
        ...(options.counter
          ? {
              additionalPolicies: [
                { policy: options.counter.policy, position: 'perRetry' as const },
              ],
            }
          : {}),
      },
      armClientOptions: armOptions,
    },
  );
  const outcomes: OutcomeData[] = [];
  await bus.subscribe(TOPICS.outcomes, { subscription: 'bench-outcomes' }, async (envelope) => {
    if (envelope.type === 'akv.outcome.v1') outcomes.push(envelope.data);
    return ack();
  });
  return { bus, services, outcomes, credential };
}

/** Writes `count` secrets into the source as fast as possible, warping past throttling windows. */
export async function seed(stack: BenchStack, count: number, prefix = 'bench'): Promise<string[]> {
  const client = stack.client(SOURCE);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      for (;;) {
        try {
          await client.setSecret(name, `value-${name}`);
          break;
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 429) throw error;
          stack.warp.offsetMs += 10_000;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return names;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
