import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { startEventHubsBroker, type EventHubsBroker } from '@akv-replicator/eventhubs-broker';
import {
  freePort,
  startAzuriteBlob,
  startNats,
  type AzuriteBlob,
  type NatsServer,
} from '@akv-replicator/test-kit';
import { CliProcesses, ingressReady } from './cli-processes';
import { quietPeriod, waitFor } from './wait-for';

const HUB = 'keyvault-events';
const SECRETS = 24;
const REPLICAS = ['kv-crash-neu', 'kv-crash-eus'];
/**
 * How long the one-version-per-source-version checks watch once the replicas hold every value.
 * A restarted ingress replays from the last checkpoint as soon as it claims a partition; each
 * replayed event reaches it within one batch wait (DEFAULT_EVENTHUBS_MAX_WAIT_SECONDS, 1 s) and
 * crosses NATS and the replicator in tens of milliseconds: 3 s leaves room for a loaded machine.
 */
const REPLAY_WINDOW_MS = 3_000;

/**
 * The ingress as its own process, pulling from an Event Hub, killed with SIGKILL while events
 * keep arriving, then started again: the checkpoint store (Azurite) makes the new process
 * replay what the dead one had not checkpointed, the bus (NATS JetStream) drops what it had
 * already published, and every version reaches every replica exactly once.
 */
describe('ingress killed mid-stream while pulling from an Event Hub (akv-replicator up --config)', () => {
  let nats: NatsServer;
  let emulator: KeyVaultEmulator;
  let hubs: EventHubsBroker;
  let azurite: AzuriteBlob;
  let dir: string;
  let configFile: string;
  let ingressPort: number;
  const processes = new CliProcesses();
  const credential = new StaticTokenCredential('crash-token');
  const client = (vault: string) =>
    new SecretClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());
  let env: NodeJS.ProcessEnv;

  const launch = (name: string, args: string[]) => processes.launch(name, args, env);
  /** The secret's value once it has reached the replica; the processes' logs if it never does. */
  const replicatedValue = (replica: string, name: string) => {
    const replicaClient = client(replica);
    return waitFor(
      `${replica}/${name}`,
      async () => (await replicaClient.getSecret(name).catch(() => undefined))?.value,
      60_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.logs(3000)}`);
    });
  };
  const assertOneVersion = async (replica: string, name: string) => {
    const versions: string[] = [];
    for await (const v of client(replica).listPropertiesOfSecretVersions(name))
      versions.push(v.version!);
    assert.equal(versions.length, 1, `${replica}/${name} has ${versions.length} versions`);
  };

  before(async () => {
    [nats, emulator, hubs, azurite] = await Promise.all([
      startNats(),
      startEmulator({
        vaults: [
          { name: 'kv-crash-weu', region: 'westeurope' },
          { name: 'kv-crash-neu', region: 'northeurope' },
          { name: 'kv-crash-eus', region: 'eastus' },
        ],
        strictAuth: { tokens: ['crash-token'] },
        expiryCheckIntervalMs: 0,
      }),
      startEventHubsBroker({ hubs: [{ name: HUB, partitionCount: 2 }] }),
      startAzuriteBlob(),
    ]);
    await azurite.createContainer('checkpoints');
    ingressPort = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'akvr-crash-'));
    configFile = join(dir, 'config.yaml');
    const sub = emulator.subscriptionId;
    await writeFile(
      configFile,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: {
          armEndpoint: emulator.armEndpoint,
          emulator: { caFile: emulator.caFile, token: 'crash-token' },
        },
        links: [
          {
            name: 'crash',
            source: { vault: 'kv-crash-weu', region: 'westeurope', subscriptionId: sub },
            replicas: [
              { vault: 'kv-crash-neu', region: 'northeurope', subscriptionId: sub },
              { vault: 'kv-crash-eus', region: 'eastus', subscriptionId: sub },
            ],
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        bus: {
          transport: 'nats',
          nats: { servers: [nats.url], prefix: `crash${randomBytes(3).toString('hex')}` },
        },
        ingress: {
          host: '127.0.0.1',
          port: ingressPort,
          inputs: {
            webhook: { enabled: false },
            eventHubs: [
              {
                connectionString: { fromEnv: 'CRASH_EH_CONNECTION' },
                eventHubName: HUB,
                loadBalancing: { updateIntervalSeconds: 0.5, ownershipExpirationSeconds: 3 },
                checkpointStore: {
                  connectionString: { fromEnv: 'CRASH_STORAGE_CONNECTION' },
                  containerName: 'checkpoints',
                },
              },
            ],
          },
        },
      }),
    );
    env = {
      CRASH_EH_CONNECTION: hubs.connectionString(),
      CRASH_STORAGE_CONNECTION: azurite.connectionString,
    };
    launch('workers', ['up', '--config', configFile, '--services', 'discovery,replicator']);
    launch('ingress-1', ['up', '--config', configFile, '--services', 'ingress']);
    await ingressReady(ingressPort);
    await emulator.eventGrid.subscribe({
      name: 'to-hub',
      vault: 'kv-crash-weu',
      eventHub: { connectionString: hubs.connectionString(), eventHubName: HUB },
    });
  });

  after(async () => {
    await processes.stopAll();
    await emulator?.stop();
    await Promise.all([nats?.stop(), hubs?.stop(), azurite?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loses no event and replicates each version once across a SIGKILL and a restart', async () => {
    const source = client('kv-crash-weu');
    const first = processes.named('ingress-1').process;
    const outputOf = (name: string) => processes.named(name).output.join('');
    // The kill must hit an owner: wait until the first process holds partitions (on a loaded
    // machine its load balancer can take longer than the first third of the writes).
    await waitFor(
      'ingress-1 to claim an event hub partition',
      async () => (/event hub partition claimed/.test(outputOf('ingress-1')) ? true : undefined),
      60_000,
    );
    for (let i = 0; i < SECRETS; i++) {
      await source.setSecret(`crash-${i}`, `value-${i}`);
      if (i === SECRETS / 3) {
        // Mid-stream: the first third is being pulled, published and checkpointed right now.
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
      }
      // Spaces the writes so events are still flowing when the kill lands (a pace, not a wait).
      await new Promise((r) => setTimeout(r, 20));
    }
    await emulator.eventGrid.idle();
    launch('ingress-2', ['up', '--config', configFile, '--services', 'ingress']);
    await ingressReady(ingressPort);

    for (const replica of REPLICAS)
      for (let i = 0; i < SECRETS; i++)
        assert.equal(await replicatedValue(replica, `crash-${i}`), `value-${i}`);
    // The second process took the partitions over.
    assert.match(outputOf('ingress-2'), /event hub partition claimed/);
    // Still one replica version per source one once replays and redeliveries had time to land.
    await quietPeriod(REPLAY_WINDOW_MS);
    for (const replica of REPLICAS)
      for (let i = 0; i < SECRETS; i++) await assertOneVersion(replica, `crash-${i}`);
  });

  it('replays a batch it had read but not published when it died (bus down meanwhile)', async () => {
    const source = client('kv-crash-weu');
    const currentChild = processes.children.filter((c) => c.name.startsWith('ingress-')).at(-1)!;
    const current = currentChild.process;
    const logged = currentChild.output.join('').length;
    // The bus goes away: the ingress reads the next events but cannot publish, so it never
    // checkpoints them; then it is killed holding them.
    await nats.kill();
    for (let i = 0; i < 6; i++) await source.setSecret(`held-${i}`, `held-value-${i}`);
    await emulator.eventGrid.idle();
    // Read by the ingress and stuck in publish: it says so once a publish gives up, after the
    // bus's publish timeout (DEFAULT_PUBLISH_TIMEOUT_MS, 30 s), hence the long wait. A fixed 2 s
    // pause guessed instead, and under load could kill the ingress before it had read anything.
    await waitFor(
      'the ingress to hold a batch it cannot publish',
      async () =>
        currentChild.output.join('').slice(logged).includes('bus publish failed, partition held')
          ? true
          : undefined,
      120_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.logs(3000)}`);
    });
    current.kill('SIGKILL');
    await new Promise((r) => current.once('exit', r));
    await nats.restart();
    launch('ingress-3', ['up', '--config', configFile, '--services', 'ingress']);
    await ingressReady(ingressPort);
    for (const replica of REPLICAS)
      for (let i = 0; i < 6; i++)
        assert.equal(await replicatedValue(replica, `held-${i}`), `held-value-${i}`);
    await quietPeriod(REPLAY_WINDOW_MS);
    for (const replica of REPLICAS)
      for (let i = 0; i < 6; i++) await assertOneVersion(replica, `held-${i}`);
  });
});
