/**
 * Child process of entra.int.test.ts (not a test itself): builds both pulled inputs the way
 * `up --config` does for `fullyQualifiedNamespace` entries (createIngressInputs, the tenant's
 * TokenCredential), sends one Event Grid delivery to each with the same credential, and prints
 * what reached the bus. Its own process because the brokers' self-signed certificate can only
 * be trusted at start-up (NODE_EXTRA_CA_CERTS).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { EventHubProducerClient } from '@azure/event-hubs';
import { ServiceBusClient } from '@azure/service-bus';
import { TOPICS, loadConfigText } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { createEventIntake } from '../intake/event-intake';
import { cloudEvent, eventGridEvent, keyVaultData } from './event-fixtures';
import { createIngressInputs } from '../inputs/create-inputs';

class FixedTokenCredential implements TokenCredential {
  readonly scopes = new Set<string>();
  constructor(private readonly token: string) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    for (const scope of Array.isArray(scopes) ? scopes : [scopes]) this.scopes.add(scope);
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const credential = new FixedTokenCredential(env('PROBE_TOKEN'));
const hubNamespace = env('PROBE_EH_NAMESPACE');
const queueNamespace = env('PROBE_SB_NAMESPACE');

const { config } = loadConfigText(
  `links: [{ name: l, source: { vault: kv-src }, replicas: [{ vault: kv-b, region: a }] }]
ingress:
  inputs:
    webhook: { enabled: false }
    eventHubs:
      - fullyQualifiedNamespace: '${hubNamespace}'
        eventHubName: keyvault-events
        loadBalancing: { updateIntervalSeconds: 0.2, ownershipExpirationSeconds: 2 }
        checkpointStore: { connectionString: { fromEnv: STORAGE }, containerName: checkpoints }
    serviceBusQueues:
      - fullyQualifiedNamespace: '${queueNamespace}'
        queueName: keyvault-events
`,
  { env: {} },
);
const bus = createMemoryBus();
const names: string[] = [];
await bus.subscribe(TOPICS.vaultEvents, { subscription: 'probe' }, async (envelope) => {
  names.push((envelope.data as { objectName: string }).objectName);
  return ack();
});
const inputs = await createIngressInputs(config.ingress.inputs, {
  intake: createEventIntake({ publisher: bus }),
  credentialFor: () => credential,
  secrets: { env: { STORAGE: env('PROBE_STORAGE') }, readFile: () => Promise.reject(new Error()) },
});
for (const input of inputs) await input.start();

const producer = new EventHubProducerClient(hubNamespace, 'keyvault-events', credential);
await producer.sendBatch([{ body: cloudEvent('via-hub', keyVaultData('via-hub')) }]);
await producer.close();
const sender = new ServiceBusClient(queueNamespace, credential);
await sender
  .createSender('keyvault-events')
  .sendMessages({ body: eventGridEvent('via-queue', keyVaultData('via-queue')), messageId: 'q1' });
await sender.close();

const deadline = Date.now() + 20_000;
while (names.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
for (const input of inputs) await input.stop();
await bus.close();
console.log(JSON.stringify({ names: names.sort(), scopes: [...credential.scopes].sort() }));
