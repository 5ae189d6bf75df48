import { loadavg } from 'node:os';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from '@akv-replicator/keyvault-emulator';
import { percentile } from './bench-stack';
import { runLatency } from './latency';
import {
  cpuMsOf,
  peakRssMiBOf,
  productionLinks,
  startProductionStack,
  type ProductionLink,
  type ProductionStack,
} from './production-latency-stack';
import {
  startReplicaEventReceiver,
  type ReplicaEventReceiver,
} from './production-latency-receiver';
import { round, writeResult } from './results';

export const DEFAULT_PRODUCTION_RATES = [60, 80, 100, 150];
const SOURCE_VAULTS = 10;
/** The issue's targets on a 2-core machine (issue #21). */
const TARGET_P99_MS_AT_100 = 250;
const TARGET_CPU_MS_PER_REPLICA_WRITE = 1.5;
/** Replicas still missing this long after the last write are reported as not replicated. */
const DRAIN_TIMEOUT_MS = 180_000;
/**
 * After the last replica event the replicators still publish an outcome and ack the task, a few
 * ms of work; a second covers it on a loaded machine, and an idle service spends well under one
 * clock tick (10 ms) of CPU in it.
 */
const SETTLE_MS = 1_000;

export interface RateRun {
  readonly rate: number;
  readonly expected: number;
  readonly replicated: number;
  readonly writeFailures: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** CPU ms of each service process during the run, by role. */
  readonly cpuMsByRole: Record<string, number>;
  /** CPU ms of the emulator (Key Vault's side, not counted as service CPU). */
  readonly emulatorCpuMs: number;
  /** From the first write to the last replica event (plus the settle second). */
  readonly wallMs: number;
}

/**
 * Production-shape latency (issue #21): 10 source vaults in westeurope, each replicated to three
 * regions, by the services as separate processes over NATS JetStream against the emulator in
 * its own process at Key Vault's limits. New secrets are written at a steady rate spread over
 * the sources; the latency of a replica is the replica vault's own `SecretNewVersionCreated`
 * event time minus the moment the source write was acknowledged. CPU per replica write is the
 * services' CPU time (from /proc) during each rate's run, start-up and warm-up excluded. The
 * in-process memory-bus run (latency.ts) is repeated afterwards as the baseline.
 */
export async function benchProductionLatency(
  rates: readonly number[] = DEFAULT_PRODUCTION_RATES,
  seconds = 20,
): Promise<void> {
  const loadAtStart = round(loadavg()[0]!, 1);
  const { runs, peakRssMiBByRole } = await measureProductionShape(rates, seconds, {
    ...(process.env.BENCH_CPU_PROF_DIR
      ? { extraNodeOptions: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}` }
      : {}),
  });
  // The baseline: the same chain in one process on the memory bus, Key Vault limits off.
  const baselineRate = rates.includes(100) ? 100 : rates[0]!;
  const baseline = await runLatency(baselineRate, seconds);
  const figures: Record<string, number> = {};
  for (const run of runs) {
    const at = `At${run.rate}PerSecond`;
    figures[`replicated${at}`] = run.replicated;
    figures[`expected${at}`] = run.expected;
    if (run.writeFailures > 0) figures[`sourceWriteFailures${at}`] = run.writeFailures;
    figures[`p50Ms${at}`] = round(run.p50);
    figures[`p99Ms${at}`] = round(run.p99);
    figures[`maxMs${at}`] = round(run.max);
    figures[`serviceCpuMsPerReplicaWrite${at}`] = round(cpuPerWrite(run), 3);
    for (const [role, ms] of Object.entries(run.cpuMsByRole))
      figures[`${camel(role)}CpuMsPerReplicaWrite${at}`] = round(ms / run.replicated, 3);
    figures[`emulatorCpuMsPerReplicaWrite${at}`] = round(run.emulatorCpuMs / run.replicated, 3);
    // How much CPU the services actually got: on a shared machine, far less than the rate needs.
    figures[`serviceCoresUsed${at}`] = round((cpuPerWrite(run) * run.replicated) / run.wallMs, 2);
    figures[`serviceCoresNeeded${at}`] = round((cpuPerWrite(run) * run.rate * 3) / 1000, 2);
  }
  for (const [role, mib] of Object.entries(peakRssMiBByRole))
    figures[`${camel(role)}PeakRssMiB`] = round(mib);
  figures[`memoryBusP50MsAt${baselineRate}PerSecond`] = round(baseline.headline.p50);
  figures[`memoryBusP99MsAt${baselineRate}PerSecond`] = round(baseline.headline.p99);
  for (const [name, value] of Object.entries(baseline.figures))
    if (!name.endsWith(`At${baselineRate}PerSecond`))
      figures[`memoryBus${name[0]!.toUpperCase()}${name.slice(1)}`] = value;
  const at100 = runs.find((r) => r.rate === 100) ?? runs[0]!;
  const parameters = {
    sourceVaults: SOURCE_VAULTS,
    replicaRegions: 3,
    seconds,
    rates: rates.join(','),
    processes: 'ingress+discovery, replicator × 3 (one per region)',
    loadAverage1mAtStart: loadAtStart,
  };
  const description = `Source write acknowledged → replica version created (the replica vault's own Event Grid event), ${SOURCE_VAULTS} source vaults in westeurope each replicated to 3 regions, new secrets at ${rates.join('/')} changes/s for ${seconds} s each spread over the sources. The services run as an operator runs them (\`akv-replicator up --config\`, bundled, deployed NODE_OPTIONS, default log level): ingress and discovery in one process, one replicator process per region, over NATS JetStream (nats-server of its own), against the emulator in its own process at Key Vault's limits (throttling on). Baseline in the same run: the in-process memory-bus chain (latency.ts, one source vault, limits off) at ${baselineRate} changes/s.`;
  await writeResult({
    name: 'production-latency',
    description,
    parameters,
    figures,
    ratio: {
      value: at100.p99 / TARGET_P99_MS_AT_100,
      meaning: `p99 at ${at100.rate} changes/s / ${TARGET_P99_MS_AT_100} ms`,
      target: '≤ 1',
      pass: at100.p99 <= TARGET_P99_MS_AT_100,
    },
    notes: latencyNotes(runs),
  });
  const cpuAt100 = cpuPerWrite(at100);
  await writeResult({
    name: 'production-latency-cpu',
    description: `Service CPU time (user + system of the four service processes, from /proc/<pid>/stat) per replica write in the production-latency run above, measured from just before each rate's writes start until its last replica exists; start-up and warm-up excluded.`,
    parameters,
    figures: Object.fromEntries(Object.entries(figures).filter(([name]) => /Cpu/.test(name))),
    ratio: {
      value: cpuAt100 / TARGET_CPU_MS_PER_REPLICA_WRITE,
      meaning: `service CPU ms per replica write at ${at100.rate} changes/s / ${TARGET_CPU_MS_PER_REPLICA_WRITE} ms`,
      target: '≤ 1',
      pass: cpuAt100 <= TARGET_CPU_MS_PER_REPLICA_WRITE,
    },
    notes:
      'Clock ticks are 10 ms; a run has thousands of replica writes, so the rounding is below 0.01 ms per write. The processes are the only consumers of their CPU time: the emulator, NATS and the writer are separate processes and not counted.',
  });
}

function cpuPerWrite(run: RateRun): number {
  const total = Object.values(run.cpuMsByRole).reduce((a, b) => a + b, 0);
  return total / run.replicated;
}

/** `ingress+discovery` → `ingressDiscovery`, `replicator@eastus` → `replicatorEastus`. */
const camel = (role: string) =>
  role
    .split(/[^a-zA-Z0-9]+/)
    .map((word, i) => (i === 0 ? word : `${word[0]!.toUpperCase()}${word.slice(1)}`))
    .join('');

function latencyNotes(runs: readonly RateRun[]): string {
  const short = runs.filter((r) => r.replicated < r.expected);
  return [
    'Each service process runs in a session of its own (as each runs in a container of its own in production), and so does the emulator: under the kernel’s autogroup scheduling a session gets one fair share of the 2 cores against every other session on the machine, whatever its nice value. serviceCoresNeeded is what the rate needs at the measured CPU per write, serviceCoresUsed what the services got; when used < needed, the tasks queue and latency is that queue (see docs/performance.md).',
    'At 150 changes/s each replica region takes 150 creates/s, the subscription-wide limit for secret creates in one region (5 × 300 per 10 s), and the writer puts 150 creates/s into westeurope: that rate sits at Key Vault’s limit, and latency there includes pacing under it.',
    short.length > 0
      ? `Not every replica appeared within ${DRAIN_TIMEOUT_MS / 1000} s at ${short.map((r) => `${r.rate}/s (${r.replicated} of ${r.expected})`).join(', ')}; percentiles are over those that did.`
      : 'Every replica appeared.',
  ].join(' ');
}

/** The production-shape runs alone (no baseline, nothing written): for profiling iterations. */
export async function measureProductionShape(
  rates: readonly number[],
  seconds: number,
  options: { extraNodeOptions?: string },
): Promise<{ runs: RateRun[]; peakRssMiBByRole: Record<string, number> }> {
  const links = productionLinks(SOURCE_VAULTS);
  const receiver = await startReplicaEventReceiver();
  let stack: ProductionStack | undefined;
  try {
    stack = await startProductionStack(links, options);
    for (const link of links) {
      await stack.emulator.admin('eventgrid/subscriptions', {
        name: `ingress-${link.source}`,
        vault: link.source,
        endpoint: stack.eventGridEndpoint,
      });
      for (const replica of link.replicas)
        await stack.emulator.admin('eventgrid/subscriptions', {
          name: `bench-${replica.vault}`,
          vault: replica.vault,
          endpoint: receiver.url,
        });
    }
    const credential = new StaticTokenCredential(stack.token);
    const clients = links.map(
      (link) =>
        new SecretClient(stack!.emulator.vaults[link.source]!, credential, {
          tlsOptions: { ca: stack!.emulator.ca },
          disableChallengeResourceVerification: true,
        }),
    );
    // One write per client first: a fresh SDK client's concurrent first requests race its auth
    // challenge. Then a warm-up, not measured: connections, JIT and JetStream consumers.
    for (const client of clients) await client.setSecret('first', 'x');
    const warmUp = await writeAtRate(clients, links, 'warm-up', 20, 5);
    await waitForReplicas(receiver, links, 'warm-up', warmUp.acknowledgedAt.size);
    const runs: RateRun[] = [];
    for (const rate of rates) {
      const prefix = `rate-${rate}`;
      const startedAt = performance.now();
      const before = await cpuByRole(stack);
      const emulatorBefore = await cpuMsOf(stack.emulator.process.pid!);
      const writes = await writeAtRate(clients, links, prefix, rate, seconds);
      await waitForReplicas(receiver, links, prefix, writes.acknowledgedAt.size);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const after = await cpuByRole(stack);
      const emulatorCpuMs = (await cpuMsOf(stack.emulator.process.pid!)) - emulatorBefore;
      const latencies: number[] = [];
      for (const [key, ackedAt] of writes.acknowledgedAt) {
        const [source, name] = key.split('/') as [string, string];
        const link = links.find((l) => l.source === source)!;
        for (const replica of link.replicas) {
          const created = receiver.createdAt.get(`${replica.vault}/${name}`);
          if (created !== undefined) latencies.push(created - ackedAt);
        }
      }
      latencies.sort((a, b) => a - b);
      runs.push({
        rate,
        expected: rate * seconds * 3,
        replicated: latencies.length,
        writeFailures: writes.failures,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
        cpuMsByRole: Object.fromEntries(
          Object.entries(after).map(([role, ms]) => [role, ms - before[role]!]),
        ),
        emulatorCpuMs,
        wallMs: performance.now() - startedAt,
      });
      console.log(
        `production-latency ${rate}/s: p50 ${round(runs.at(-1)!.p50)} ms, p99 ${round(runs.at(-1)!.p99)} ms, max ${round(runs.at(-1)!.max)} ms, ${round(cpuPerWrite(runs.at(-1)!), 3)} ms CPU per replica write`,
      );
    }
    const peakRssMiBByRole: Record<string, number> = {};
    for (const service of stack.services)
      peakRssMiBByRole[service.role] = await peakRssMiBOf(service.process.pid!);
    return { runs, peakRssMiBByRole };
  } finally {
    await stack?.stop();
    await receiver.close();
  }
}

async function cpuByRole(stack: ProductionStack): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (const service of stack.services) usage[service.role] = await cpuMsOf(service.process.pid!);
  return usage;
}

/**
 * Writes `rate × seconds` new secrets, round-robin over the sources, each at its slot of a
 * steady schedule (a pace, not a wait); returns when each write was acknowledged, by
 * `<source>/<name>`. A write that fails (e.g. a 429 the SDK gave up on) is counted, not retried.
 */
async function writeAtRate(
  clients: readonly SecretClient[],
  links: readonly ProductionLink[],
  prefix: string,
  rate: number,
  seconds: number,
): Promise<{ acknowledgedAt: Map<string, number>; failures: number }> {
  const acknowledgedAt = new Map<string, number>();
  let failures = 0;
  const total = rate * seconds;
  const started = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const which = i % links.length;
    const name = `${prefix}-${i}`;
    writes.push(
      clients[which]!.setSecret(name, `value-${i}`).then(
        () => void acknowledgedAt.set(`${links[which]!.source}/${name}`, Date.now()),
        () => void (failures += 1),
      ),
    );
  }
  await Promise.all(writes);
  return { acknowledgedAt, failures };
}

/** Waits until every replica of `count` secrets named `<prefix>-*` has its creation event. */
async function waitForReplicas(
  receiver: ReplicaEventReceiver,
  links: readonly ProductionLink[],
  prefix: string,
  count: number,
): Promise<void> {
  const expected = count * links[0]!.replicas.length;
  const arrived = () => {
    let n = 0;
    for (const key of receiver.createdAt.keys()) if (key.includes(`/${prefix}-`)) n += 1;
    return n;
  };
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (arrived() < expected && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
}
