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

/**
 * A full 3-region resync in the production split — discovery and one replicator per region,
 * each with the pacers of a process of its own (separate `startServices` calls on one memory
 * bus) — against the emulator at Key Vault's real limits. Records when each request to the
 * source was sent: no 10 s window may exceed the source's share, and the full windows of the
 * resync should use ≥ 95 % of it.
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
  let throttled = 0;
  const recorder: PipelinePolicy = {
    name: 'bench-source-requests',
    sendRequest: async (request, next) => {
      if (new URL(request.url).host === sourceHost) sent.push(Date.now());
      const response = await next(request);
      if (response.status === 429) throttled++;
      return response;
    },
  };
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
    const failures = outcomes.filter((o) => o.status === 'failure').length;
    const share = Math.floor(LIMITS.transactions * sourceShare);
    const perWindow = windows(sent);
    const busiest = slidingMax(sent);
    const full = perWindow.slice(0, -1);
    const meanFull = full.reduce((a, b) => a + b, 0) / Math.max(1, full.length);
    const name = `source-budget-share-${Math.round(sourceShare * 100)}`;
    await writeResult({
      name,
      description: `Full resync of ${secrets} secrets to ${REPLICAS.length} regions with sourceShare ${sourceShare}: discovery and three regional replicators each pacing as its own process (the split derived from the topology), emulator at Key Vault's real limits (4,000 transactions, 300 creates per vault per 10 s). Source requests are timed as sent.`,
      parameters: { secrets, replicas: REPLICAS.length, sourceShare, sourceSharePer10s: share },
      figures: {
        elapsedSeconds: round(elapsedS),
        sourceRequests: sent.length,
        busiestSourceWindow: busiest,
        fullWindows: full.length,
        meanSourceRequestsPerFullWindow: round(meanFull),
        failures,
        throttled429: throttled,
      },
      ratio: {
        value: full.length > 0 ? meanFull / share : NaN,
        meaning:
          'source requests per full 10 s window / the share (busiest sliding window must stay ≤ share)',
        target: '≥ 0.95, busiest ≤ share, 0 failures',
        pass: meanFull / share >= 0.95 && busiest <= share && failures === 0,
      },
      notes: `Source requests per 10 s window: ${perWindow.join(', ')}. The split: each regional replicator gets 1 / (3 + 1/25) of the source share, discovery (one list request per 25 objects) 1/25 of a pool. When the replicas’ create limit binds instead (sourceShare 0.5: 2,000 reads per window offered, 270 creates per window per replica), the source runs below its share by design; busiestSourceWindow shows it never exceeds it.`,
    });
  } finally {
    for (const stack of stacks.reverse()) await stack.stop();
    await bus.close();
    await emulator.stop();
  }
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
