import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { freePort, startNats, type NatsServer } from '@akv-replicator/test-kit';
import { runCli } from 'akv-replicator';
import { sampleValue, scrapeMetrics, type MetricSample } from '@akv-replicator/telemetry/testing';
import { CliProcesses, ingressReady } from './cli-processes';
import { waitFor } from './wait-for';

/**
 * The microservice deployment: ingress + discovery in one process, one replicator process per
 * region, all talking over a real NATS JetStream, against the emulator in the test process.
 */
describe('one process per service over NATS (akv-replicator up --config)', () => {
  let nats: NatsServer;
  let emulator: KeyVaultEmulator;
  const processes = new CliProcesses();
  let ingressPort: number;
  let configFile: string;
  const secret = randomBytes(16).toString('hex');

  before(async () => {
    nats = await startNats();
    emulator = await startEmulator({
      vaults: [
        { name: 'kv-mp-weu', region: 'westeurope' },
        { name: 'kv-mp-neu', region: 'northeurope' },
        { name: 'kv-mp-eus', region: 'eastus' },
      ],
      strictAuth: { tokens: ['mp-token'] },
    });
    ingressPort = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'akvr-mp-'));
    const config = join(dir, 'config.yaml');
    configFile = config;
    await writeFile(
      config,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: {
          armEndpoint: emulator.armEndpoint,
          emulator: { caFile: emulator.caFile, token: 'mp-token' },
        },
        links: [
          {
            name: 'mp',
            source: { vault: 'kv-mp-weu', subscriptionId: emulator.subscriptionId },
            replicas: [
              {
                vault: 'kv-mp-neu',
                region: 'northeurope',
                subscriptionId: emulator.subscriptionId,
              },
              { vault: 'kv-mp-eus', region: 'eastus', subscriptionId: emulator.subscriptionId },
            ],
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        // Each process serves its own /metrics; on one host they need a port each.
        telemetry: { metricsPort: 0 },
        bus: {
          transport: 'nats',
          nats: { servers: [nats.url], prefix: `mp${randomBytes(3).toString('hex')}` },
        },
        ingress: {
          host: '127.0.0.1',
          port: ingressPort,
          auth: { sharedSecret: { fromEnv: 'MP_INGRESS_SECRET' } },
        },
      }),
    );
    const env = { MP_INGRESS_SECRET: secret };
    processes.launch('edge', ['up', '--config', config, '--services', 'ingress,discovery'], env);
    processes.launch(
      'replicator-neu',
      ['up', '--config', config, '--services', 'replicator', '--region', 'northeurope'],
      env,
    );
    processes.launch(
      'replicator-eus',
      ['up', '--config', config, '--services', 'replicator', '--region', 'eastus'],
      env,
    );
    await ingressReady(ingressPort);
    await emulator.eventGrid.subscribe({
      name: 'mp',
      vault: 'kv-mp-weu',
      endpoint: `http://127.0.0.1:${ingressPort}/eventgrid?code=${secret}`,
    });
  });

  after(async () => {
    await processes.stopAll();
    await emulator?.stop();
    await nats?.stop();
  });

  it('replicates through separate ingress/discovery and per-region replicator processes', async () => {
    const credential = new StaticTokenCredential('mp-token');
    await new SecretClient(
      emulator.vaultUrl('kv-mp-weu'),
      credential,
      emulator.clientOptions(),
    ).setSecret('across-processes', 'v1');
    for (const replica of ['kv-mp-neu', 'kv-mp-eus']) {
      const client = new SecretClient(
        emulator.vaultUrl(replica),
        credential,
        emulator.clientOptions(),
      );
      const value = await waitFor(
        `${replica}/across-processes`,
        async () => (await client.getSecret('across-processes').catch(() => undefined))?.value,
        30_000,
        100,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${processes.logs(2000)}`);
      });
      assert.equal(value, 'v1');
    }
  });

  it('serves Prometheus metrics from every process, each counting its own work', async () => {
    const metricsOf = async (name: string) => {
      const child = processes.named(name);
      const url = child.output
        .join('')
        .split('\n')
        .map((line) => /"metrics":"([^"]+)"/.exec(line)?.[1])
        .find((found) => found !== undefined);
      assert.ok(url, `${name} logged its metrics endpoint`);
      return (await scrapeMetrics(url)).samples;
    };
    const tasks = (samples: MetricSample[], region: string) =>
      sampleValue(samples, 'akvr_tasks_total', { service: 'replicator', region });
    const neu = await metricsOf('replicator-neu');
    const eus = await metricsOf('replicator-eus');
    assert.ok(tasks(neu, 'northeurope') >= 1);
    assert.equal(tasks(neu, 'eastus'), 0, 'regional isolation shows in the metrics');
    assert.ok(tasks(eus, 'eastus') >= 1);
    const edge = await metricsOf('edge');
    assert.ok(sampleValue(edge, 'akvr_ingress_events_total', { outcome: 'accepted' }) >= 1);
    assert.ok(sampleValue(edge, 'akvr_bus_published_total', { topic: 'secret-tasks' }) >= 2);
  });

  it('reports drift with `status` and converges it with `resync --wait`', async () => {
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const code = await runCli(argv, {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        env: process.env,
      });
      return { code, text: out.join('\n') };
    };
    const inSync = await run(['status', '--config', configFile]);
    assert.equal(inSync.code, 0, inSync.text);
    assert.match(inSync.text, /mp +kv-mp-weu → kv-mp-neu \(northeurope\) +in sync +1 +0 +0/);

    // A tag change raises no event: only reconcile sees it.
    const source = new SecretClient(
      emulator.vaultUrl('kv-mp-weu'),
      new StaticTokenCredential('mp-token'),
      emulator.clientOptions(),
    );
    const current = await source.getSecret('across-processes');
    await source.updateSecretProperties('across-processes', current.properties.version!, {
      tags: { owner: 'ops' },
    });
    const drifted = await run(['status', '--config', configFile, '--json']);
    assert.equal(drifted.code, 1);
    const report = JSON.parse(drifted.text) as { links: { replica: string; drifted: number }[] };
    assert.deepEqual(
      report.links.map((l) => [l.replica, l.drifted]),
      [
        ['kv-mp-neu', 1],
        ['kv-mp-eus', 1],
      ],
    );

    const resync = await run([
      'resync',
      '--config',
      configFile,
      '--vault',
      'kv-mp-weu',
      '--wait',
      '--timeout',
      '60',
    ]);
    assert.equal(resync.code, 0, resync.text);
    // runCli gets no terminal here (as in a pipe or CI log): progress is a line per step, not a bar.
    assert.match(resync.text, /progress: 2\/2 tasks \(100 %\)/);
    assert.doesNotMatch(resync.text, /\[#+-*\]/);
    assert.match(resync.text, /2 +success properties-updated/);
    assert.equal((await run(['status', '--config', configFile])).code, 0);
  });

  it('stops every process cleanly on SIGTERM', async () => {
    for (const child of processes.children) child.process.kill('SIGTERM');
    const codes = await Promise.all(
      processes.children.map(
        (c) =>
          new Promise<number | null>((r) =>
            c.process.exitCode !== null
              ? r(c.process.exitCode)
              : c.process.once('exit', (code) => r(code)),
          ),
      ),
    );
    assert.deepEqual(
      codes,
      [0, 0, 0],
      processes.children.map((c) => c.output.join('').slice(-500)).join('\n'),
    );
  });
});
