import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SecretClient } from '@azure/keyvault-secrets';
import { REPLICAS, SOURCE, percentile, startBenchPipeline } from './bench-stack';
import { startRemoteEmulator } from './remote-emulator';
import { round, writeResult } from './results';

/** One latency run's distribution: per rate, the headline rate, and one Key Vault round trip. */
export interface LatencyRun {
  readonly figures: Record<string, number>;
  readonly headline: { replicated: number; expected: number; p50: number; p99: number };
  readonly rtt: number;
}

/**
 * Event-driven latency: source write acknowledged → replica written (replicator outcome), for
 * three replica regions at a steady write rate, through Event Grid push and the ingress. The
 * emulator runs in its own process, as Key Vault is remote. Baseline, same run: one Key Vault
 * round trip (a GET) on the same emulator. With `compareNode` (BENCH_COMPARE_NODE), the same
 * run is repeated right after in a process of that runtime (latency-runtime.ts).
 */
export async function benchLatency(
  changesPerSecond: number,
  seconds: number,
  compareNode: string | undefined = process.env.BENCH_COMPARE_NODE,
): Promise<void> {
  const { figures, headline, rtt } = await runLatency(changesPerSecond, seconds);
  const compared = compareNode
    ? await runLatencyOn(compareNode, changesPerSecond, seconds)
    : undefined;
  const major = compared?.version.replace(/^v(\d+).*$/, '$1');
  const comparedFigures = compared
    ? Object.fromEntries(
        Object.entries({
          p50Ms: round(compared.run.headline.p50),
          p99Ms: round(compared.run.headline.p99),
          ...compared.run.figures,
          keyVaultRoundTripP50Ms: round(compared.run.rtt, 3),
        }).map(([name, value]) => [`${name}OnNode${major}`, value]),
      )
    : {};
  await writeResult({
    name: 'latency-event-to-replica',
    description: `Source write acknowledged → replica written, ${REPLICAS.length} replica regions, 10, 30 and ${changesPerSecond} changes/s for ${seconds} s each, through the emulator's Event Grid push (emulator in its own process), ingress, discovery and the regional replicators on the memory bus, all services and the writer in one process; Key Vault limits off.`,
    parameters: {
      changesPerSecond,
      seconds,
      replicas: REPLICAS.length,
      ...(compared ? { comparedWith: compared.version } : {}),
    },
    figures: {
      replicated: headline.replicated,
      expected: headline.expected,
      p50Ms: round(headline.p50),
      p99Ms: round(headline.p99),
      ...figures,
      keyVaultRoundTripP50Ms: round(rtt, 3),
      seedToolsCronAverageMs: 150_000,
      ...comparedFigures,
    },
    ratio: {
      value: headline.p50 / rtt,
      meaning: `p50 latency at ${changesPerSecond} changes/s in Key Vault round trips (same run)`,
    },
    notes: `The seed tools replicate on a 5-minute cron: 150 s average latency. Each change costs about 10 HTTPS requests (event delivery, a source read, a replica read and a replica write per region); at 100 changes/s one process on this 2-core machine saturates and latency becomes queueing time — the lower rates show the chain itself.${compared ? ` The *OnNode${major} figures are the same run repeated right after by Node ${compared.version} (the others: ${process.version}).` : ''}`,
  });
}

async function runLatencyOn(node: string, changesPerSecond: number, seconds: number) {
  const run = promisify(execFile);
  const { stdout: version } = await run(node, ['--version']);
  const script = fileURLToPath(new URL('./latency-runtime.ts', import.meta.url));
  const { stdout } = await run(
    node,
    ['--import', 'tsx', script, String(changesPerSecond), String(seconds)],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      maxBuffer: 16 * 2 ** 20,
      timeout: 600_000,
    },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return { version: version.trim(), run: JSON.parse(last) as LatencyRun };
}

/** Measures in this process (see benchLatency); writes nothing. */
export async function runLatency(changesPerSecond: number, seconds: number): Promise<LatencyRun> {
  // Limits off (emulator and pacing): one vault may not take 100 creates/s at Key Vault's real
  // limits (300 per 10 s), so this measures the pipeline's own latency, not throttling.
  const emulator = await startRemoteEmulator(
    [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
    ['--no-throttling'],
  );
  const clientOptions = {
    tlsOptions: { ca: emulator.ca },
    disableChallengeResourceVerification: true as const,
  };
  const { bus, services, outcomes, credential } = await startBenchPipeline(
    {
      tenantId: emulator.tenantId,
      armEndpoint: emulator.arm,
      subscriptionId: emulator.subscriptionId,
      ca: emulator.ca,
    },
    { withIngress: true, unpaced: true },
  );
  try {
    await emulator.admin('eventgrid/subscriptions', {
      name: 'bench',
      vault: SOURCE,
      endpoint: `${services.ingressUrl}/eventgrid`,
    });
    const source = new SecretClient(emulator.vaults[SOURCE]!, credential, clientOptions);
    await source.setSecret('warm-up', 'x');
    const roundTrips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await source.getSecret('warm-up');
      roundTrips.push(performance.now() - t);
    }
    roundTrips.sort((a, b) => a - b);

    /** Writes `rate` changes/s for `seconds`, returns the latency distribution of their replicas. */
    const measure = async (rate: number, prefix: string) => {
      const writtenAt = new Map<string, number>();
      const total = rate * seconds;
      const started = performance.now();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const name = `${prefix}-${i}`;
        writes.push(
          source.setSecret(name, `v-${i}`).then(() => void writtenAt.set(name, Date.now())),
        );
      }
      await Promise.all(writes);
      const expected = total * REPLICAS.length;
      const done = () =>
        outcomes.filter(
          (o) => o.service === 'replicator' && o.objectName?.startsWith(`${prefix}-`),
        );
      const deadline = Date.now() + 120_000;
      while (done().length < expected && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const latencies = done()
        .map((o) => Date.parse(o.at) - (writtenAt.get(o.objectName ?? '') ?? NaN))
        .filter((n) => Number.isFinite(n))
        .sort((a, b) => a - b);
      return {
        replicated: latencies.length,
        expected,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
      };
    };
    const figures: Record<string, number> = {};
    let headline = { replicated: 0, expected: 0, p50: NaN, p99: NaN };
    // Lower rates first: they show the latency of the chain itself, the headline rate its load behaviour.
    for (const rate of [...new Set([10, 30, changesPerSecond])].sort((a, b) => a - b)) {
      const result = await measure(rate, `latency-${rate}`);
      figures[`p50MsAt${rate}PerSecond`] = round(result.p50);
      figures[`p99MsAt${rate}PerSecond`] = round(result.p99);
      if (rate === changesPerSecond) headline = result;
    }
    return { figures, headline, rtt: percentile(roundTrips, 50) };
  } finally {
    await services.stop();
    await bus.close();
    await emulator.stop();
  }
}
