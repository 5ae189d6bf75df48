/**
 * The same Config.json scenario against Microsoft's official Service Bus emulator, where a Docker
 * engine is reachable (it is not on our development machines: then this skips, saying so).
 * `@testcontainers/azureservicebus` would do the wiring, but its current release needs
 * testcontainers 12 and Node >= 22.22, so the two containers (SQL Edge + emulator) are started
 * with testcontainers 11 directly. Only a pre-provisioned topology is exercised: the emulator
 * takes its entities from Config.json, so the contract's run-time topics cannot exist there.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dockerLikelyAvailable } from '@akv-replicator/test-kit';
import { EMULATOR_SAS_KEY, EMULATOR_SAS_KEY_NAME } from '@akv-replicator/servicebus-broker';
import { EMULATOR_TOPOLOGY, runPreProvisionedScenario } from './testing/broker-support';

const EMULATOR_IMAGE = 'mcr.microsoft.com/azure-messaging/servicebus-emulator:latest';
const SQL_IMAGE = 'mcr.microsoft.com/azure-sql-edge:latest';
const SQL_PASSWORD = 'Emulator_Passw0rd!';
const START_TIMEOUT_MS = 180_000;

const docker = dockerLikelyAvailable();

void describe(
  'official Service Bus emulator (Docker)',
  {
    skip: docker
      ? false
      : 'no Docker engine reachable (DOCKER_HOST unset, no docker.sock): the official emulator cannot run here',
  },
  () => {
    void it(
      'runs the Config.json topology scenario through the transport',
      { timeout: START_TIMEOUT_MS + 60_000 },
      async () => {
        const { GenericContainer, Network, Wait } = await import('testcontainers');
        const dir = await mkdtemp(join(tmpdir(), 'sb-emulator-'));
        const configPath = join(dir, 'Config.json');
        await writeFile(configPath, JSON.stringify(EMULATOR_TOPOLOGY, null, 2));
        const network = await new Network().start();
        const sql = await new GenericContainer(SQL_IMAGE)
          .withNetwork(network)
          .withNetworkAliases('sqledge')
          .withEnvironment({ ACCEPT_EULA: 'Y', MSSQL_SA_PASSWORD: SQL_PASSWORD })
          .start();
        try {
          const emulator = await new GenericContainer(EMULATOR_IMAGE)
            .withNetwork(network)
            .withEnvironment({
              ACCEPT_EULA: 'Y',
              SQL_SERVER: 'sqledge',
              MSSQL_SA_PASSWORD: SQL_PASSWORD,
            })
            .withBindMounts([
              {
                source: configPath,
                target: '/ServiceBus_Emulator/ConfigFiles/Config.json',
                mode: 'ro',
              },
            ])
            .withExposedPorts(5672)
            .withWaitStrategy(Wait.forLogMessage(/Emulator Service is Successfully Up/))
            .withStartupTimeout(START_TIMEOUT_MS)
            .start();
          try {
            // The emulator's documented connection string, pointed at the mapped port.
            await runPreProvisionedScenario({
              connectionString:
                `Endpoint=sb://${emulator.getHost()}:${emulator.getMappedPort(5672)};` +
                `SharedAccessKeyName=${EMULATOR_SAS_KEY_NAME};SharedAccessKey=${EMULATOR_SAS_KEY};UseDevelopmentEmulator=true`,
            });
          } finally {
            await emulator.stop();
          }
        } finally {
          await sql.stop();
          await network.stop();
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  },
);
