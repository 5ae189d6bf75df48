import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from '@akv-replicator/keyvault-emulator';
import { freePort, startNats } from '@akv-replicator/test-kit';
import { REPLICAS, SOURCE } from './bench-stack';
import { startRemoteEmulator } from './remote-emulator';
import { SERVICE_NODE_OPTIONS } from 'akv-replicator';
import { productionCli } from './production-cli';
import { round, writeResult } from './results';

const SERVICES = ['ingress', 'discovery', 'replicator', 'notifier'] as const;

type Service = (typeof SERVICES)[number];
interface ServiceUsage {
  readonly peakRssMiB: number;
  readonly cpuSeconds: number;
}

/**
 * Peak RSS (VmHWM) and CPU time of each service as its own process (`up --config --services X`)
 * over NATS, while `writes` secrets flow from Event Grid to three replica regions: once with
 * Node's default V8 settings (the baseline) and once with the `NODE_OPTIONS` deployments use.
 */
export async function benchRssPerService(
  writes: number,
  compareNode: string | undefined = process.env.BENCH_COMPARE_NODE,
): Promise<void> {
  const deployedOptions = (service: Service) => SERVICE_NODE_OPTIONS[service];
  const baseline = await measureServices(writes, () => '');
  const deployed = await measureServices(writes, deployedOptions);
  // Another runtime (BENCH_COMPARE_NODE=/usr/bin/node), same bundle and NODE_OPTIONS, same run:
  // what moving the images from one Node major to another does to the heap caps.
  const compared = compareNode
    ? {
        version: execFileSync(compareNode, ['--version'], { encoding: 'utf8' }).trim(),
        usage: await measureServices(writes, deployedOptions, compareNode),
      }
    : undefined;
  const comparedMajor = compared?.version.replace(/^v(\d+).*$/, '$1');
  const figures: Record<string, number> = {};
  for (const service of SERVICES) {
    const name = service.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    figures[`${name}PeakRssMiB`] = round(deployed[service].peakRssMiB);
    figures[`${name}PeakRssMiBNodeDefaults`] = round(baseline[service].peakRssMiB);
    figures[`${name}CpuSeconds`] = round(deployed[service].cpuSeconds);
    figures[`${name}CpuSecondsNodeDefaults`] = round(baseline[service].cpuSeconds);
    if (compared) {
      figures[`${name}PeakRssMiBOnNode${comparedMajor}`] = round(
        compared.usage[service].peakRssMiB,
      );
      figures[`${name}CpuSecondsOnNode${comparedMajor}`] = round(
        compared.usage[service].cpuSeconds,
      );
    }
  }
  figures.replicatorCpuVsNodeDefaults = round(
    deployed.replicator.cpuSeconds / baseline.replicator.cpuSeconds,
  );
  const worst = Math.max(...SERVICES.map((service) => deployed[service].peakRssMiB));
  await writeResult({
    name: 'memory-per-service',
    description: `Peak resident memory and CPU time of each service as its own process (\`akv-replicator up --config --services X\`, bundled) over NATS JetStream, while ${writes} secrets were replicated from Event Grid to ${REPLICAS.length} regions; with the deployments' \`NODE_OPTIONS\` (SERVICE_NODE_OPTIONS) and, as the baseline in the same run, with Node's defaults.`,
    parameters: {
      writes,
      replicas: REPLICAS.length,
      replicatorNodeOptions: SERVICE_NODE_OPTIONS.replicator,
      discoveryNodeOptions: SERVICE_NODE_OPTIONS.discovery,
      ...(compared ? { comparedWith: compared.version } : {}),
    },
    figures,
    ratio: {
      value: worst / 128,
      meaning: 'largest service peak RSS / 128 MiB',
      target: '< 1',
      pass: worst < 128,
    },
    notes: `The options trade CPU for memory: V8 collects sooner. replicatorCpuVsNodeDefaults is the replicator CPU time with them over its CPU time with Node defaults, same workload; it varies by ±0.2 between runs on this shared 2-core machine.${compared ? ` The *OnNode${comparedMajor} figures are the same bundle with the same NODE_OPTIONS run by Node ${compared.version} in the same run (the others: ${process.version}).` : ''}`,
  });
}

async function measureServices(
  writes: number,
  nodeOptionsFor: (service: Service) => string,
  node = process.execPath,
): Promise<Record<Service, ServiceUsage>> {
  const nats = await startNats();
  const emulator = await startRemoteEmulator(
    [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
    ['--no-throttling', '--strict-auth', 'bench-token'],
  );
  const children: { service: Service; process: ChildProcess }[] = [];
  try {
    const port = await freePort();
    const secret = randomBytes(16).toString('hex');
    const dir = await mkdtemp(join(tmpdir(), 'akvr-rss-'));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, emulator.ca);
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: { armEndpoint: emulator.arm, emulator: { caFile, token: 'bench-token' } },
        links: [
          {
            name: 'rss',
            source: { vault: SOURCE, subscriptionId: emulator.subscriptionId },
            replicas: REPLICAS.map((r) => ({
              vault: r.name,
              region: r.region,
              subscriptionId: emulator.subscriptionId,
            })),
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        // Four processes on one host: each scrape endpoint on a port of its own.
        telemetry: { metricsPort: 0 },
        bus: {
          transport: 'nats',
          nats: { servers: [nats.url], prefix: `rss${randomBytes(3).toString('hex')}` },
        },
        ingress: {
          host: '127.0.0.1',
          port,
          auth: { sharedSecret: { fromEnv: 'RSS_INGRESS_SECRET' } },
        },
      }),
    );
    for (const service of SERVICES) {
      children.push({
        service,
        process: spawn(
          node,
          [
            productionCli()[1],
            'up',
            '--config',
            config,
            '--services',
            service,
            '--log-level',
            'error',
          ],
          {
            env: {
              ...process.env,
              RSS_INGRESS_SECRET: secret,
              NODE_OPTIONS: nodeOptionsFor(service),
            },
            stdio: 'ignore',
          },
        ),
      });
    }
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('ingress did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    await emulator.admin('eventgrid/subscriptions', {
      name: 'rss',
      vault: SOURCE,
      endpoint: `http://127.0.0.1:${port}/eventgrid?code=${secret}`,
    });
    const credential = new StaticTokenCredential('bench-token');
    const source = new SecretClient(emulator.vaults[SOURCE]!, credential, {
      tlsOptions: { ca: emulator.ca },
      disableChallengeResourceVerification: true,
    });
    // One write first: a fresh SDK client's concurrent first requests race its auth challenge.
    await source.setSecret('rss-warm-up', 'x');
    for (let i = 0; i < writes; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, writes - i) }, (_, j) =>
          source.setSecret(`rss-${i + j}`, 'x'.repeat(1024)),
        ),
      );
    }
    const last = new SecretClient(emulator.vaults[REPLICAS[2]!.name]!, credential, {
      tlsOptions: { ca: emulator.ca },
      disableChallengeResourceVerification: true,
    });
    const until = Date.now() + 120_000;
    while (
      !(await last.getSecret(`rss-${writes - 1}`).then(
        () => true,
        () => false,
      )) &&
      Date.now() < until
    )
      await new Promise((r) => setTimeout(r, 200));
    const usage: Partial<Record<Service, ServiceUsage>> = {};
    for (const child of children) usage[child.service] = await usageOf(child.process.pid!);
    return usage as Record<Service, ServiceUsage>;
  } finally {
    for (const child of children) child.process.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise((r) => (c.process.exitCode !== null ? r(null) : c.process.once('exit', r))),
      ),
    );
    await emulator.stop();
    await nats.stop();
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

async function usageOf(pid: number): Promise<ServiceUsage> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return {
    peakRssMiB: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024,
    cpuSeconds: (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS_PER_SECOND,
  };
}
