import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stringify } from 'yaml';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { createEnvelope, loadConfigText, TOPICS, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { StaticTokenCredential, startEmulator } from '@akv-replicator/keyvault-emulator';
import { startServices, type RunningStack } from 'akv-replicator';
import { REPLICAS, SOURCE, WarpClock } from './bench-stack';
import { round, writeResult } from './results';

const WINDOW_MS = 10_000;
const LIMITS = { transactions: 4000, creates: 300 };
/** Discovery lists 25 objects per request (Key Vault's page size). */
const PAGE_SIZE = 25;

/**
 * A full 3-region resync in the production split — discovery and one replicator per region,
 * each with the pacers of a process of its own (separate `startServices` calls on one memory
 * bus) — against the emulator at Key Vault's real limits. Records when each request to the
 * source was sent: no 10 s window may exceed the source's share, and the full windows of the
 * resync should use ≥ 95 % of the bound: the share, or less when the replicas' create share
 * binds first (see `sourceBound`).
 */
export async function benchSourceBudget(secrets: number, sourceShare: number): Promise<void> {
  const warp = new WarpClock();
  const emulator = await startEmulator({
    clock: warp,
    throttling: {
      enabled: true,
      windowMs: WINDOW_MS,
      maxTransactions: LIMITS.transactions,
      maxSecretCreates: LIMITS.creates,
    },
    vaults: [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
  });
  const credential = new StaticTokenCredential('bench');
  const sourceHost = new URL(emulator.vaultUrl(SOURCE)).host;
  const sent: number[] = [];
  const latencies: number[] = [];
  let challenges = 0;
  let throttled = 0;
  const recorder: PipelinePolicy = {
    name: 'bench-source-requests',
    sendRequest: async (request, next) => {
      const toSource = new URL(request.url).host === sourceHost;
      if (toSource) sent.push(Date.now());
      const started = performance.now();
      const response = await next(request);
      if (toSource) latencies.push(performance.now() - started);
      if (toSource && response.status === 401) challenges++;
      if (response.status === 429) throttled++;
      return response;
    },
  };
  // A starved event loop (a loaded machine) slows the whole pipeline below any budget: shown
  // beside the ratio, so a miss says whether the pacers or the machine held the resync back.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  const bus = createMemoryBus();
  const stacks: RunningStack[] = [];
  try {
    const seeder = emulator.clientOptions();
    const { SecretClient } = await import('@azure/keyvault-secrets');
    const source = new SecretClient(emulator.vaultUrl(SOURCE), credential, {
      ...seeder,
      retryOptions: { maxRetries: 0 },
    });
    await source.setSecret('warm-up', 'x');
    for (let i = 0; i < secrets; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, secrets - i) }, (_, j) =>
          source.setSecret(`b-${i + j}`, 'v').catch(async (error: { statusCode?: number }) => {
            if (error.statusCode !== 429) throw error;
            warp.offsetMs += WINDOW_MS;
            await source.setSecret(`b-${i + j}`, 'v');
          }),
        ),
      );
      warp.offsetMs += WINDOW_MS; // seeding must not eat the measured windows
    }
    warp.offsetMs += WINDOW_MS;
    const loaded = loadConfigText(
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: { armEndpoint: emulator.armEndpoint, sourceSubscriptionId: emulator.subscriptionId },
        replication: {
          objectKinds: ['secrets'],
          reconcile: { suspend: true, onStart: false },
          keyVaultLimits: { sourceShare },
        },
        links: [
          {
            name: 'budget',
            source: { vault: SOURCE, subscriptionId: emulator.subscriptionId },
            replicas: REPLICAS.map((r) => ({
              vault: r.name,
              region: r.region,
              subscriptionId: emulator.subscriptionId,
            })),
          },
        ],
      }),
      { env: {} },
    );
    const adapters = {
      bus,
      credentialFor: () => credential,
      secrets: { env: {}, readFile: () => Promise.reject(new Error('none')) },
      secretClientOptions: {
        tlsOptions: { ca: emulator.ca },
        disableChallengeResourceVerification: true,
        additionalPolicies: [{ policy: recorder, position: 'perRetry' as const }],
      },
      armClientOptions: { tlsOptions: { ca: emulator.ca } },
    };
    // Four "processes": each startServices builds its own pacers, as a process of its own would.
    stacks.push(await startServices(loaded, { services: ['discovery'] }, adapters));
    for (const replica of REPLICAS)
      stacks.push(
        await startServices(
          loaded,
          { services: ['replicator'], regions: [replica.region] },
          adapters,
        ),
      );
    const outcomes: OutcomeData[] = [];
    await bus.subscribe(TOPICS.outcomes, { subscription: 'bench-budget' }, async (envelope) => {
      if (envelope.type === 'akv.outcome.v1') outcomes.push(envelope.data);
      return ack();
    });
    sent.length = 0;
    latencies.length = 0;
    challenges = 0;
    loopDelay.enable();
    const started = Date.now();
    await bus.publish(
      TOPICS.resyncCommands,
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: 'budget', requestedAt: new Date().toISOString() },
        { id: 'bench-budget', source: '/bench' },
      ),
    );
    const expected = (secrets + 1) * REPLICAS.length;
    const deadline = Date.now() + 30 * 60_000;
    while (outcomes.filter((o) => o.service === 'replicator').length < expected) {
      if (Date.now() > deadline) throw new Error('resync did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsedS = (Date.now() - started) / 1000;
    loopDelay.disable();
    const failures = outcomes.filter((o) => o.status === 'failure').length;
    const share = Math.floor(LIMITS.transactions * sourceShare);
    const { replicaShare } = loaded.config.replication.keyVaultLimits;
    const bound = sourceBound(sourceShare, replicaShare);
    const perWindow = windows(sent);
    const busiest = slidingMax(sent);
    const full = perWindow.slice(0, -1);
    const meanFull = full.reduce((a, b) => a + b, 0) / Math.max(1, full.length);
    const name = `source-budget-share-${Math.round(sourceShare * 100)}`;
    await writeResult({
      name,
      description: `Full resync of ${secrets} secrets to ${REPLICAS.length} regions with sourceShare ${sourceShare}: discovery and three regional replicators each pacing as its own process (the split derived from the topology), emulator at Key Vault's real limits (4,000 transactions, 300 creates per vault per 10 s). Source requests (the SDK's authentication challenges included) are timed as sent.`,
      parameters: {
        secrets,
        replicas: REPLICAS.length,
        sourceShare,
        replicaShare,
        sourceSharePer10s: share,
        sourceBoundPer10s: bound,
      },
      figures: {
        elapsedSeconds: round(elapsedS),
        sourceRequests: sent.length,
        authenticationChallenges: challenges,
        busiestSourceWindow: busiest,
        fullWindows: full.length,
        meanSourceRequestsPerFullWindow: round(meanFull),
        failures,
        throttled429: throttled,
        sourceLatencyP50Ms: round(percentile(latencies, 0.5)),
        sourceLatencyP99Ms: round(percentile(latencies, 0.99)),
        eventLoopDelayP50Ms: round(loopDelay.percentile(50) / 1e6),
        eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
      },
      ratio: {
        value: full.length > 0 ? meanFull / bound : NaN,
        meaning:
          'source requests per full 10 s window / the bound (the share, or what the replicas’ create share lets the pools read); the busiest sliding window must stay ≤ the share',
        target: '≥ 0.95, busiest ≤ share, 0 failures',
        pass: meanFull / bound >= 0.95 && busiest <= share && failures === 0,
      },
      notes: `Source requests per 10 s window: ${perWindow.join(', ')}. The split, in whole requests: discovery's slice rounded up so it lists at least as fast as a pool reads (at 0.1: 6 pages = 150 objects per window), each of the three regional replicators 131 of the rest — 399 of 400. Each request holds its slot until its response; each SDK client's authentication challenge (a 401) is charged too. At sourceShare 0.5 the replicas' create share binds first (270 creates per replica per window, so the pools read 3 × 270 + 270/25 pages), and the ratio is taken against that bound; busiestSourceWindow shows the share is never exceeded. Event-loop delay and source latency show how busy the machine was: at a p50 loop delay of hundreds of ms the pipeline, not the pacers, holds the resync back.`,
    });
  } finally {
    for (const stack of stacks.reverse()) await stack.stop();
    await bus.close();
    await emulator.stop();
  }
}

/**
 * The most source requests per window a full resync can use: the share, unless the replicas'
 * create share binds first — each pool reads the source once per object it creates in its
 * replica, and discovery lists one page per 25 objects.
 */
export function sourceBound(sourceShare: number, replicaShare: number): number {
  const share = Math.floor(LIMITS.transactions * sourceShare);
  const createsPerReplica = Math.floor(LIMITS.creates * replicaShare);
  const createBound =
    REPLICAS.length * createsPerReplica + Math.ceil(createsPerReplica / PAGE_SIZE);
  return Math.min(share, createBound);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

/** Requests per consecutive 10 s window from the first. */
function windows(times: readonly number[]): number[] {
  if (times.length === 0) return [];
  const start = times[0]!;
  const counts: number[] = [];
  for (const t of times) {
    const i = Math.floor((t - start) / WINDOW_MS);
    while (counts.length <= i) counts.push(0);
    counts[i]!++;
  }
  return counts;
}

/** The most requests in any 10 s span (what Key Vault's sliding limit would see). */
function slidingMax(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let head = 0;
  for (let tail = 0; tail < sorted.length; tail++) {
    while (sorted[tail]! - sorted[head]! >= WINDOW_MS) head++;
    max = Math.max(max, tail - head + 1);
  }
  return max;
}
