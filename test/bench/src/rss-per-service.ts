import { spawn, type ChildProcess } from 'node:child_process';
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
import { SERVICE_NODE_FLAGS, productionCli } from './production-cli';
import { round, writeResult } from './results';

const SERVICES = ['ingress', 'discovery', 'replicator', 'notifier'] as const;

/**
 * Peak RSS (VmHWM) of each service as its own process (`up --config --services X`) over NATS,
 * while `writes` secrets flow from Event Grid to three replica regions.
 */
export async function benchRssPerService(writes: number): Promise<void> {
  const nats = await startNats();
  const emulator = await startRemoteEmulator(
    [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
    ['--no-throttling', '--strict-auth', 'bench-token'],
  );
  const children: { service: string; process: ChildProcess }[] = [];
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
          productionCli()[0],
          [
            ...SERVICE_NODE_FLAGS,
            productionCli()[1],
            'up',
            '--config',
            config,
            '--services',
            service,
            '--log-level',
            'error',
          ],
          { env: { ...process.env, RSS_INGRESS_SECRET: secret }, stdio: 'ignore' },
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
    const peaks: Record<string, number> = {};
    for (const child of children)
      peaks[`${child.service}PeakRssMiB`] = round(await peakRssMiB(child.process.pid!));
    const worst = Math.max(...Object.values(peaks));
    await writeResult({
      name: 'memory-per-service',
      description: `Peak resident memory of each service as its own process (\`akv-replicator up --config --services X\`) over NATS JetStream, after ${writes} secrets were replicated from Event Grid to ${REPLICAS.length} regions.`,
      parameters: { writes, replicas: REPLICAS.length },
      figures: peaks,
      ratio: {
        value: worst / 128,
        meaning: 'largest service peak RSS / 128 MiB',
        target: '< 1',
        pass: worst < 128,
      },
    });
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

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}
