/**
 * The shared scenarios against Microsoft's official Event Hubs emulator (plus Azurite, which it
 * needs for metadata and checkpoints), started with Testcontainers where a Docker engine is
 * reachable. Here there is none: the suite skips and says why. The topology is the scenarios'
 * hubs in the emulator's Config.json shape; restart is not offered (its container restart loses
 * the in-memory events the scenario checks), so that scenario skips itself on the emulator.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { dockerLikelyAvailable } from '@akv-replicator/test-kit';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { EMULATOR_SAS_KEY, EMULATOR_SAS_KEY_NAME } from './index';
import { scenarios } from './scenarios';
import { SCENARIO_HUBS } from './test-support';

const EMULATOR_IMAGE = 'mcr.microsoft.com/azure-messaging/eventhubs-emulator:latest';
const AZURITE_IMAGE = 'mcr.microsoft.com/azure-storage/azurite:latest';
const START_TIMEOUT_MS = 180_000;

/** The emulator's Config.json (Azure/azure-event-hubs-emulator-installer, EventHub-Emulator/Config). */
function emulatorConfig(): unknown {
  return {
    UserConfig: {
      NamespaceConfig: [
        {
          Type: 'EventHub',
          Name: 'emulatorNs1',
          Entities: SCENARIO_HUBS.map((hub) => ({
            Name: hub.name,
            PartitionCount: String(hub.partitionCount),
            ConsumerGroups: ('consumerGroups' in hub ? hub.consumerGroups : []).map((name) => ({
              Name: name,
            })),
          })),
        },
      ],
      LoggingConfig: { Type: 'File' },
    },
  };
}

const docker = dockerLikelyAvailable();

void describe(
  'official Event Hubs emulator (Docker)',
  {
    skip: docker
      ? false
      : 'no Docker engine reachable (DOCKER_HOST unset, no docker.sock): the official emulator cannot run here',
    timeout: START_TIMEOUT_MS + 120_000,
  },
  () => {
    let dir: string;
    let network: StartedNetwork;
    let azurite: StartedTestContainer;
    let emulator: StartedTestContainer;
    before(
      async () => {
        const { GenericContainer, Network, Wait } = await import('testcontainers');
        dir = await mkdtemp(join(tmpdir(), 'eh-emulator-'));
        const configPath = join(dir, 'Config.json');
        await writeFile(configPath, JSON.stringify(emulatorConfig(), null, 2));
        network = await new Network().start();
        azurite = await new GenericContainer(AZURITE_IMAGE)
          .withNetwork(network)
          .withNetworkAliases('azurite')
          .start();
        emulator = await new GenericContainer(EMULATOR_IMAGE)
          .withNetwork(network)
          .withEnvironment({ BLOB_SERVER: 'azurite', METADATA_SERVER: 'azurite', ACCEPT_EULA: 'Y' })
          .withBindMounts([
            {
              source: configPath,
              target: '/Eventhubs_Emulator/ConfigFiles/Config.json',
              mode: 'ro',
            },
          ])
          .withExposedPorts(5672)
          .withWaitStrategy(Wait.forLogMessage(/Emulator Service is Successfully Up/))
          .withStartupTimeout(START_TIMEOUT_MS)
          .start();
      },
      { timeout: START_TIMEOUT_MS + 60_000 },
    );
    after(async () => {
      await emulator?.stop();
      await azurite?.stop();
      await network?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    scenarios(() => ({
      name: 'the official emulator',
      // The emulator's documented connection string, pointed at the mapped port.
      connectionString: (hub) =>
        `Endpoint=sb://${emulator.getHost()}:${emulator.getMappedPort(5672)};` +
        `SharedAccessKeyName=${EMULATOR_SAS_KEY_NAME};SharedAccessKey=${EMULATOR_SAS_KEY};` +
        `EntityPath=${hub};UseDevelopmentEmulator=true`,
      restart: undefined,
    }));
  },
);
