import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import {
  resolveSecretRef,
  type Config,
  type SecretRef,
  type SecretSource,
} from '@akv-replicator/core';
import { connectNatsBus, createMemoryBus, type Bus } from '@akv-replicator/bus';

/** Opens the transport `bus.transport` names (DESIGN "Bus"). */
export async function openBus(
  config: Config,
  secrets: SecretSource,
  credentialFor: (tenant: string | undefined) => TokenCredential,
): Promise<Bus> {
  const { bus } = config;
  switch (bus.transport) {
    case 'memory':
      return createMemoryBus();
    case 'nats': {
      const nats = bus.nats!;
      const token = nats.token
        ? await resolveSecretRef(nats.token, 'bus.nats.token', secrets)
        : undefined;
      const credentials = nats.credentialsFile
        ? await readCredentials(nats.credentialsFile, secrets)
        : undefined;
      return connectNatsBus({
        servers: nats.servers,
        prefix: nats.prefix,
        ...(token ? { token } : {}),
        ...(credentials ? { credentials } : {}),
        name: 'akv-replicator',
      });
    }
    case 'servicebus': {
      const serviceBus = bus.serviceBus!;
      const { connectServiceBusBus } = await import('@akv-replicator/bus-servicebus');
      // Topics and subscriptions are created through the administration API (Azure RBAC:
      // Azure Service Bus Data Owner, or a Manage SAS rule) unless they already exist.
      if (serviceBus.connectionString) {
        const connectionString = await resolveSecretRef(
          serviceBus.connectionString,
          'bus.serviceBus.connectionString',
          secrets,
        );
        return connectServiceBusBus({ connectionString });
      }
      return connectServiceBusBus({
        fullyQualifiedNamespace: serviceBus.fullyQualifiedNamespace!,
        credential: credentialFor(serviceBus.tenant),
      });
    }
  }
}

/** NATS credentials (.creds) are a file; read its bytes, or the text from an environment variable. */
async function readCredentials(ref: SecretRef, secrets: SecretSource): Promise<Uint8Array> {
  if ('fromFile' in ref) return new Uint8Array(await readFile(ref.fromFile));
  return new TextEncoder().encode(await resolveSecretRef(ref, 'bus.nats.credentialsFile', secrets));
}
