import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SERVICE_NODE_OPTIONS } from 'akv-replicator';
import { freePort, startNats, type NatsServer } from '@akv-replicator/test-kit';
import { productionCli } from './production-cli';
import { startRemoteEmulator, type RemoteEmulator } from './remote-emulator';

export const SOURCE_REGION = 'westeurope';
export const REPLICA_REGIONS = [
  { suffix: 'neu', region: 'northeurope' },
  { suffix: 'eus', region: 'eastus' },
  { suffix: 'sea', region: 'southeastasia' },
] as const;

/** One source vault and the replica vault it has in each region. */
export interface ProductionLink {
  readonly source: string;
  readonly replicas: readonly { vault: string; region: string }[];
}

/** `count` source vaults in westeurope, each linked to one replica in each of the three regions. */
export function productionLinks(count: number): ProductionLink[] {
  return Array.from({ length: count }, (_, i) => {
    const source = `kv-pl-s${i}`;
    return {
      source,
      replicas: REPLICA_REGIONS.map((r) => ({ vault: `${source}-${r.suffix}`, region: r.region })),
    };
  });
}

/** One service process as `akv-replicator up --config` runs it. */
export interface ServiceProcess {
  /** `ingress+discovery` or `replicator@<region>`. */
  readonly role: string;
  readonly process: ChildProcess;
  readonly logFile: string;
}

export interface ProductionStack {
  readonly emulator: RemoteEmulator;
  readonly nats: NatsServer;
  readonly services: readonly ServiceProcess[];
  /** The ingress's Event Grid webhook, with its shared secret. */
  readonly eventGridEndpoint: string;
  readonly token: string;
  stop(): Promise<void>;
}

export interface ProductionStackOptions {
  /** Extra NODE_OPTIONS for every service process (e.g. `--cpu-prof --cpu-prof-dir=…`). */
  readonly extraNodeOptions?: string;
}

const TOKEN = 'bench-token';
/** Start-up of four bundled processes on a loaded 2-core machine: generous, it only ends a failing run. */
const READY_TIMEOUT_MS = 120_000;

/**
 * The production shape: a NATS JetStream server of its own, the emulator in its own process at
 * Key Vault's real limits (throttling on, strict auth), and the services as an operator starts
 * them from one configuration — ingress and discovery in one process, one replicator process per
 * replica region — each from the bundled CLI with the deployments' NODE_OPTIONS, logging at the
 * configuration's default level to a file.
 */
export async function startProductionStack(
  links: readonly ProductionLink[],
  options: ProductionStackOptions = {},
): Promise<ProductionStack> {
  const [, cli] = productionCli();
  // Never a shared NATS_URL server: the figures are this run's server only.
  const nats = await startNats({ env: { ...process.env, NATS_URL: undefined } });
  const emulator = await startRemoteEmulator(
    links.flatMap((link) => [
      { name: link.source, region: SOURCE_REGION },
      ...link.replicas.map((r) => ({ name: r.vault, region: r.region })),
    ]),
    ['--strict-auth', TOKEN],
    // Key Vault is remote: its CPU is not taken from the services' (or the writer's) slot.
    { detached: true },
  ).catch(async (error: unknown) => {
    await nats.stop();
    throw error;
  });
  const dir = await mkdtemp(join(tmpdir(), 'akvr-production-latency-'));
  const services: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of services) service.process.kill('SIGTERM');
    await Promise.all(services.map((s) => exited(s.process)));
    await emulator.stop();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const secret = randomBytes(16).toString('hex');
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, emulator.ca);
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: { armEndpoint: emulator.arm, emulator: { caFile, token: TOKEN } },
        links: links.map((link) => ({
          name: link.source,
          source: { vault: link.source, subscriptionId: emulator.subscriptionId },
          replicas: link.replicas.map((r) => ({
            vault: r.vault,
            region: r.region,
            subscriptionId: emulator.subscriptionId,
          })),
        })),
        // Event-driven only: a reconcile during the run would add list calls to the figures.
        replication: { reconcile: { suspend: true, onStart: false } },
        // Several processes on one host: each scrape endpoint on a port of its own.
        telemetry: { metricsPort: 0 },
        bus: {
          transport: 'nats',
          nats: { servers: [nats.url], prefix: `pl${randomBytes(3).toString('hex')}` },
        },
        ingress: {
          host: '127.0.0.1',
          port,
          auth: { sharedSecret: { fromEnv: 'BENCH_INGRESS_SECRET' } },
        },
      }),
    );
    const roles = [
      { role: 'ingress+discovery', args: ['--services', 'ingress,discovery'] },
      ...REPLICA_REGIONS.map((r) => ({
        role: `replicator@${r.region}`,
        args: ['--services', 'replicator', '--region', r.region],
      })),
    ];
    for (const { role, args } of roles) {
      const logFile = join(dir, `${role.replace(/[^a-z0-9]+/g, '-')}.log`);
      const log = await open(logFile, 'w');
      const nodeOptions = [
        role.startsWith('replicator')
          ? SERVICE_NODE_OPTIONS.replicator
          : SERVICE_NODE_OPTIONS.discovery,
        options.extraNodeOptions ?? '',
      ].join(' ');
      const child = spawn(process.execPath, [cli, 'up', '--config', config, ...args], {
        env: { ...process.env, BENCH_INGRESS_SECRET: secret, NODE_OPTIONS: nodeOptions.trim() },
        stdio: ['ignore', log.fd, log.fd],
        // A session of its own, as each service runs in a container (a cgroup) of its own in
        // production: with the kernel's autogroup scheduling, processes of one session share one
        // CPU slot against every other session on the machine.
        detached: true,
      });
      // The child holds its own copy of the descriptor.
      await log.close();
      services.push({ role, process: child, logFile });
    }
    await Promise.all(services.map(waitUntilUp));
    return {
      emulator,
      nats,
      services,
      eventGridEndpoint: `http://127.0.0.1:${port}/eventgrid?code=${secret}`,
      token: TOKEN,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits for the `akv-replicator up` line every service logs once it consumes (info level). */
async function waitUntilUp(service: ServiceProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const log = await readFile(service.logFile, 'utf8');
    if (log.includes('"akv-replicator up"')) return;
    if (service.process.exitCode !== null)
      throw new Error(`${service.role} exited with ${service.process.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`${service.role} did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', r));
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) a process has used so far, in ms, from /proc/<pid>/stat. */
export async function cpuMsOf(pid: number): Promise<number> {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(stat[11]) + Number(stat[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Peak resident memory (VmHWM) of a process so far, in MiB. */
export async function peakRssMiBOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}
