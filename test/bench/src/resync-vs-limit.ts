import { createEnvelope } from '@akv-replicator/core';
import { REPLICAS, SOURCE, seed, startBenchStack, type BenchStack } from './bench-stack';
import { round, writeResult } from './results';

export const WINDOW_S = 10;
export const LIMITS = { transactions: 4000, creates: 300 };
export const LIST_PAGE = 25;

/** Time Key Vault's limits alone impose on `count` requests of a kind: full windows before the last. */
export const windowsFor = (count: number, limit: number) =>
  Math.max(0, Math.ceil(count / limit) - 1) * WINDOW_S;

/**
 * Full resync of N secrets to three replica regions at Key Vault's real limits, compared with
 * the throttle-bound minimum, then the same copy done the seed tools' way (list, then get and
 * set one secret at a time per destination), then a no-op reconcile's request count.
 */
export async function benchResync(secrets: number): Promise<void> {
  const stack = await startBenchStack({
    throttling: {
      enabled: true,
      windowMs: WINDOW_S * 1000,
      maxTransactions: LIMITS.transactions,
      maxSecretCreates: LIMITS.creates,
    },
    utilization: 0.95,
  });
  try {
    await seed(stack, secrets);
    stack.warp.offsetMs += WINDOW_S * 1000; // start the measured run with fresh windows
    stack.counter.reset();

    const started = Date.now();
    const { bus } = stack;
    await bus.publish(
      'resync-commands',
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: 'bench', requestedAt: new Date().toISOString() },
        { id: 'bench-resync', source: '/bench' },
      ),
    );
    await waitForOutcomes(stack, secrets * REPLICAS.length, 30 * 60_000);
    const elapsedS = (Date.now() - started) / 1000;
    const failures = stack.outcomes.filter((o) => o.status === 'failure').length;
    const throttled = stack.counter.byStatus.get(429) ?? 0;

    const pages = Math.ceil(secrets / LIST_PAGE);
    const sourceTransactions = secrets * REPLICAS.length + pages;
    const replicaTransactions = secrets * 2 + pages; // read (404) + create, plus listing
    const minimumS = Math.max(
      windowsFor(sourceTransactions, LIMITS.transactions),
      windowsFor(secrets, LIMITS.creates),
      windowsFor(replicaTransactions, LIMITS.transactions),
    );

    // No-op reconcile: everything is in sync now.
    stack.counter.reset();
    const before = stack.outcomes.length;
    await bus.publish(
      'resync-commands',
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: 'noop', requestedAt: new Date().toISOString() },
        { id: 'bench-noop', source: '/bench' },
      ),
    );
    await waitFor(
      () => stack.outcomes.slice(before).some((o) => o.action === 'reconcile-planned'),
      120_000,
    );
    const noopRequests = stack.counter.total();

    const baseline = await seedToolsWay(stack);

    await writeResult({
      name: 'resync-vs-throttle-limit',
      description: `Full resync of ${secrets} secrets to ${REPLICAS.length} replica regions, emulator at Key Vault's real limits (4,000 transactions and 300 secret creates per vault per 10 s), pacing at 95 % utilization.`,
      parameters: { secrets, replicas: REPLICAS.length, utilization: 0.95 },
      figures: {
        elapsedSeconds: round(elapsedS),
        throttleBoundMinimumSeconds: minimumS,
        failures,
        throttled429: throttled,
        seedToolsWaySeconds: round(baseline.elapsedS),
        seedToolsWayFailures: baseline.failures,
        speedupOverSeedTools: round(baseline.elapsedS / elapsedS),
      },
      ratio: {
        value: minimumS / elapsedS,
        meaning: 'throttle-bound minimum time / measured time',
        target: '≥ 0.9 with zero failures',
        pass: minimumS / elapsedS >= 0.9 && failures === 0,
      },
      notes:
        'The minimum counts whole 10 s windows the busiest vault needs; the replicas run in parallel because each vault has its own budget.',
    });
    await writeResult({
      name: 'resync-seed-tools-baseline',
      description: `The same copy done the way the seed tools do it (list, then get and set each secret, one at a time, one destination after another, retrying 429 after 1 s), same emulator, same run.`,
      parameters: { secrets, replicas: REPLICAS.length },
      figures: {
        elapsedSeconds: round(baseline.elapsedS),
        failures: baseline.failures,
        throttleBoundMinimumSeconds: minimumS,
      },
      ratio: {
        value: minimumS / baseline.elapsedS,
        meaning: 'throttle-bound minimum time / measured time (baseline)',
      },
    });
    await writeResult({
      name: 'noop-reconcile-requests',
      description: `Requests a reconcile issues when ${secrets} secrets are already in sync in ${REPLICAS.length} replicas (listings only; values are never read to diff).`,
      parameters: { secrets, replicas: REPLICAS.length },
      figures: {
        requests: noopRequests,
        requestsPerSecretAndReplica: round(noopRequests / (secrets * REPLICAS.length), 4),
        requestsPerSourceSecret: round(noopRequests / secrets, 4),
      },
      ratio: {
        value: noopRequests / (secrets * REPLICAS.length),
        meaning: 'requests per (secret, replica) pair',
        target: '≤ 0.1',
        pass: noopRequests / (secrets * REPLICAS.length) <= 0.1,
      },
      notes:
        'One listing page (25 items) per vault: (1 source + 3 replicas) / 25 per secret = 0.16 per source secret, 0.053 per (secret, replica).',
    });
  } finally {
    await stack.stop();
  }
}

/** The seed tools' loop: per destination, per secret: get from source, set into destination. */
async function seedToolsWay(stack: BenchStack): Promise<{ elapsedS: number; failures: number }> {
  const targets = [];
  for (const replica of REPLICAS) {
    const name = `${replica.name}-b`;
    await stack.emulator.createVault({ name, region: replica.region });
    targets.push(name);
  }
  stack.warp.offsetMs += WINDOW_S * 1000;
  const source = stack.client(SOURCE);
  const started = Date.now();
  let failures = 0;
  for (const target of targets) {
    const destination = stack.client(target);
    const listed: string[] = [];
    for await (const properties of source.listPropertiesOfSecrets()) listed.push(properties.name);
    for (const name of listed) {
      const secret = await retry429(() => source.getSecret(name));
      try {
        await retry429(() =>
          destination.setSecret(name, secret.value ?? '', {
            contentType: secret.properties.contentType,
            tags: secret.properties.tags,
          }),
        );
      } catch {
        failures++;
      }
    }
  }
  return { elapsedS: (Date.now() - started) / 1000, failures };
}

async function retry429<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 429 || attempt > 60) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function waitForOutcomes(stack: BenchStack, count: number, timeoutMs: number): Promise<void> {
  await waitFor(
    () => stack.outcomes.filter((o) => o.service === 'replicator').length >= count,
    timeoutMs,
  );
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
