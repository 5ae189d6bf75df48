import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import {
  startServiceBusBroker,
  type EmulatorConfig,
  type ServiceBusBroker,
} from '@akv-replicator/servicebus-broker';
import { freePort } from '@akv-replicator/test-kit';
import { runCli } from 'akv-replicator';
import { CliProcesses, ingressReady } from './cli-processes';
import { waitFor } from './wait-for';

/**
 * Service Bus with a topology deployed beforehand, as on the official emulator or a namespace
 * without Manage rights: `servicebus-topology` writes the Config.json, the broker serves exactly
 * that, and `up --config` (bus.serviceBus.topology: deployed) creates nothing. The ingress runs
 * alone first: its events wait in discovery's subscription until discovery starts.
 */
describe('Service Bus with a deployed topology (servicebus-topology → Config.json → up --config)', () => {
  let emulator: KeyVaultEmulator;
  let broker: ServiceBusBroker;
  let dir: string;
  const processes = new CliProcesses();

  before(async () => {
    emulator = await startEmulator({
      vaults: [
        { name: 'kv-sbt-weu', region: 'westeurope' },
        { name: 'kv-sbt-neu', region: 'northeurope' },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'akvr-sbt-'));
  });
  after(async () => {
    await processes.stopAll();
    await broker?.stop();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('replicates an event published while only the ingress ran', async () => {
    const port = await freePort();
    const secret = randomBytes(16).toString('hex');
    const configFile = join(dir, 'config.yaml');
    await writeFile(
      configFile,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: {
          armEndpoint: emulator.armEndpoint,
          emulator: { caFile: emulator.caFile },
        },
        links: [
          {
            name: 'sbt',
            source: { vault: 'kv-sbt-weu', subscriptionId: emulator.subscriptionId },
            replicas: [
              {
                vault: 'kv-sbt-neu',
                region: 'northeurope',
                subscriptionId: emulator.subscriptionId,
              },
            ],
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        telemetry: { metricsPort: 0 },
        bus: {
          transport: 'servicebus',
          serviceBus: { connectionString: { fromEnv: 'SBT_CONNECTION' }, topology: 'deployed' },
        },
        ingress: { host: '127.0.0.1', port, auth: { sharedSecret: { fromEnv: 'SBT_SECRET' } } },
      }),
    );
    const out: string[] = [];
    const code = await runCli(['servicebus-topology', '--config', configFile], {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      env: {},
    });
    assert.equal(code, 0, out.join('\n'));
    broker = await startServiceBusBroker({ config: JSON.parse(out.join('\n')) as EmulatorConfig });
    const env = { SBT_CONNECTION: broker.connectionString, SBT_SECRET: secret };

    processes.launch('ingress', ['up', '--config', configFile, '--services', 'ingress'], env);
    await ingressReady(port);
    await emulator.eventGrid.subscribe({
      name: 'sbt',
      vault: 'kv-sbt-weu',
      endpoint: `http://127.0.0.1:${port}/eventgrid?code=${secret}`,
    });
    const client = (vault: string) =>
      new SecretClient(
        emulator.vaultUrl(vault),
        new StaticTokenCredential('emulator-token'),
        emulator.clientOptions(),
      );
    await client('kv-sbt-weu').setSecret('early', 'written-before-discovery-ran');
    await emulator.eventGrid.idle();

    processes.launch(
      'workers',
      ['up', '--config', configFile, '--services', 'discovery,replicator'],
      env,
    );
    const replicated = await waitFor(
      'the early secret in the replica',
      async () =>
        (await client('kv-sbt-neu')
          .getSecret('early')
          .catch(() => undefined)) ?? undefined,
      60_000,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${processes.logs(3000)}`);
    });
    assert.equal(replicated.value, 'written-before-discovery-ran');
  });
});
