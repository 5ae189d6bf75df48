import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { encodeProvenance, PROVENANCE_TAG } from '@akv-replicator/core';
import { StaticTokenCredential } from '@akv-replicator/keyvault-emulator';
import { startNats } from '@akv-replicator/test-kit';
import { SERVICE_NODE_OPTIONS } from 'akv-replicator';
import { REPLICAS, SOURCE } from './bench-stack';
import { productionCli } from './production-cli';
import { startRemoteEmulator, type RemoteEmulator } from './remote-emulator';
import { round, writeResult } from './results';

/**
 * Discovery's peak RSS during one reconcile of a `secrets`-secret source with three replicas:
 * the first replica already in sync (its listing is indexed, nothing is sent), the other two
 * empty (every secret fans out as a task). Discovery runs as deployed (bundled CLI, its own
 * process, its NODE_OPTIONS) over NATS JetStream; the emulator runs in its own process.
 */
export async function benchRssDiscovery(secrets: number): Promise<void> {
  const nats = await startNats();
  const emulator = await startRemoteEmulator(
    [{ name: SOURCE, region: 'westeurope' }, ...REPLICAS],
    ['--no-throttling'],
  );
  try {
    const credential = new StaticTokenCredential('bench');
    const client = (vault: string) =>
      new SecretClient(emulator.vaults[vault]!, credential, {
        tlsOptions: { ca: emulator.ca },
        disableChallengeResourceVerification: true,
      });
    const source = client(SOURCE);
    const inSync = client(REPLICAS[0]!.name);
    await source.setSecret('warm-up', 'x');
    await inSync.setSecret('warm-up', 'x');
    let next = 0;
    const seedOne = async () => {
      while (next < secrets) {
        const name = `d-${String(next++).padStart(6, '0')}`;
        const written = await source.setSecret(name, 'x'.repeat(64), { tags: { team: 'bench' } });
        const tag = encodeProvenance({
          sourceVault: SOURCE,
          sourceVersion: written.properties.version!,
          sourceUpdated: Math.floor(written.properties.updatedOn!.getTime() / 1000),
        });
        await inSync.setSecret(name, 'x'.repeat(64), {
          tags: { team: 'bench', [PROVENANCE_TAG]: tag },
        });
      }
    };
    await Promise.all(Array.from({ length: 32 }, seedOne));

    const { peakRssMiB, tasks, reconcileSeconds } = await discoveryReconcileRss(
      emulator,
      nats.url,
      {
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
        keyVaultLimits: { transactionsPer10s: 1_000_000, secretCreatesPer10s: 1_000_000 },
      },
    );
    await writeResult({
      name: 'rss-discovery-large-vault',
      description: `Discovery as its own process (bundled CLI, NODE_OPTIONS "${SERVICE_NODE_OPTIONS.discovery}") over NATS JetStream reconciling a ${secrets}-secret source with three replicas: one in sync (listed and indexed, no task), two empty (every secret, and a warm-up one, a task). Emulator in its own process, limits off.`,
      parameters: {
        secrets,
        replicas: REPLICAS.length,
        nodeOptions: SERVICE_NODE_OPTIONS.discovery,
      },
      figures: { peakRssMiB: round(peakRssMiB), tasks, reconcileSeconds: round(reconcileSeconds) },
      ratio: {
        value: peakRssMiB / 128,
        meaning: 'discovery peak RSS / 128 MiB',
        target: '< 1 with every task published',
        pass: peakRssMiB < 128 && tasks === 2 * (secrets + 1),
      },
    });
  } finally {
    await emulator.stop();
    await nats.stop();
  }
}

/** What one discovery process measured: its peak RSS and the reconcile it planned. */
export interface DiscoveryReconcileRss {
  readonly peakRssMiB: number;
  /** Tasks the reconcile published, from its "reconcile planned" log line. */
  readonly tasks: number;
  /** From spawning the process to "reconcile planned" (start-up, ARM, listings, fan-out). */
  readonly reconcileSeconds: number;
}

/**
 * Runs discovery as deployed (bundled CLI, its own process and NODE_OPTIONS) over NATS JetStream
 * against `emulator`, with the given topology (config `links` / `sources`) and Key Vault limits,
 * until its start-up reconcile is planned; then reads its peak RSS (VmHWM) and stops it.
 */
export async function discoveryReconcileRss(
  emulator: RemoteEmulator,
  natsUrl: string,
  setup: {
    readonly links?: unknown[];
    readonly sources?: unknown[];
    readonly keyVaultLimits?: Record<string, number>;
  },
): Promise<DiscoveryReconcileRss> {
  const dir = await mkdtemp(join(tmpdir(), 'akvr-rss-discovery-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, emulator.ca);
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    stringify({
      tenants: { default: { tenantId: emulator.tenantId } },
      azure: { armEndpoint: emulator.arm, emulator: { caFile, token: 'bench' } },
      ...(setup.links ? { links: setup.links } : {}),
      ...(setup.sources ? { sources: setup.sources } : {}),
      replication: {
        objectKinds: ['secrets'],
        reconcile: { suspend: true, onStart: true },
        ...(setup.keyVaultLimits ? { keyVaultLimits: setup.keyVaultLimits } : {}),
      },
      telemetry: { metricsPort: 0 },
      bus: {
        transport: 'nats',
        nats: { servers: [natsUrl], prefix: `rssd${randomBytes(3).toString('hex')}` },
      },
    }),
  );
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [productionCli()[1], 'up', '--config', config, '--services', 'discovery'],
    {
      env: { ...process.env, NODE_OPTIONS: SERVICE_NODE_OPTIONS.discovery },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const planned = await new Promise<string>((resolve, reject) => {
      // Only ends a failing run: 100,000 tasks over JetStream take many minutes on a loaded host.
      const timer = setTimeout(() => reject(new Error('no reconcile within 60 min')), 3_600_000);
      for (const stream of [child.stdout!, child.stderr!])
        createInterface({ input: stream }).on('line', (line) => {
          if (line.includes('reconcile planned')) {
            clearTimeout(timer);
            resolve(line);
          }
        });
      child.once('exit', (code) => reject(new Error(`discovery exited with ${code}`)));
    });
    const reconcileSeconds = (Date.now() - started) / 1000;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return {
      peakRssMiB: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024,
      tasks: Number(/"tasks":(\d+)/.exec(planned)?.[1] ?? NaN),
      reconcileSeconds,
    };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}
