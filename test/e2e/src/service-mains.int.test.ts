import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startEmulator, type KeyVaultEmulator } from '@akv-replicator/keyvault-emulator';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { waitFor } from './wait-for';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = [
  'ingress',
  'discovery',
  'replicator',
  'certificate-converter',
  'notifier',
] as const;

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** `node --import tsx services/<service>/src/main.ts …`, as a process manager would start it. */
function startMain(service: string, args: string[]): Started {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'services', service, 'src', 'main.ts'), ...args],
    {
      cwd: REPO,
      env: { ...process.env, MAIN_INGRESS_SECRET: 'main-ingress-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** The `msg` of every JSON log line printed so far. */
const messages = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg);

/** Each service's `main.ts` runs it alone over a real NATS: started, then SIGTERM → exit 0. */
describe('service main.ts: one service per process', () => {
  let nats: NatsServer;
  let emulator: KeyVaultEmulator;
  let dir: string;
  let configFile: string;

  before(async () => {
    nats = await startNats();
    emulator = await startEmulator({
      vaults: [
        { name: 'kv-main-weu', region: 'westeurope' },
        { name: 'kv-main-neu', region: 'northeurope' },
      ],
      strictAuth: { tokens: ['main-token'] },
    });
    dir = await mkdtemp(join(tmpdir(), 'akvr-mains-'));
    configFile = join(dir, 'config.yaml');
    await writeFile(
      configFile,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: {
          armEndpoint: emulator.armEndpoint,
          emulator: { caFile: emulator.caFile, token: 'main-token' },
        },
        links: [
          {
            name: 'main',
            source: { vault: 'kv-main-weu', subscriptionId: emulator.subscriptionId },
            replicas: [
              {
                vault: 'kv-main-neu',
                region: 'northeurope',
                subscriptionId: emulator.subscriptionId,
              },
            ],
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        telemetry: { metricsPort: 0 },
        bus: {
          transport: 'nats',
          nats: { servers: [nats.url], prefix: `main${randomBytes(3).toString('hex')}` },
        },
        ingress: {
          host: '127.0.0.1',
          port: 0,
          auth: { sharedSecret: { fromEnv: 'MAIN_INGRESS_SECRET' } },
        },
      }),
    );
  });

  after(async () => {
    await emulator?.stop();
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const service of SERVICES) {
    it(`${service}: logs "${service} started", drains on SIGTERM and exits 0`, async () => {
      const started = startMain(service, ['--config', configFile]);
      try {
        await waitFor(
          `${service} started`,
          async () => {
            if (started.child.exitCode !== null)
              throw new Error(`exited ${started.child.exitCode}: ${started.output()}`);
            return messages(started.output()).includes(`${service} started`) || undefined;
          },
          120_000,
          100,
        );
        const exited = once(started.child, 'exit') as Promise<[number | null, string | null]>;
        started.child.kill('SIGTERM');
        const [code, signal] = await exited;
        assert.deepEqual([code, signal], [0, null], started.output());
        assert.ok(
          messages(started.output()).includes('stopping: draining in-flight work'),
          started.output(),
        );
      } finally {
        if (started.child.exitCode === null) started.child.kill('SIGKILL');
      }
    });
  }

  it('refuses to start without --config: exit 2, saying what to give', async () => {
    const started = startMain('replicator', []);
    const [code] = (await once(started.child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(started.output(), /replicator: give --config FILE/);
  });

  it('names the key path of an invalid configuration: exit 1', async () => {
    const invalid = join(dir, 'invalid.yaml');
    await writeFile(invalid, stringify({ bus: { transport: 'carrier-pigeon' } }));
    const started = startMain('notifier', ['--config', invalid]);
    const [code] = (await once(started.child, 'exit')) as [number | null];
    assert.equal(code, 1, started.output());
    assert.match(started.output(), /bus\.transport/);
  });
});
