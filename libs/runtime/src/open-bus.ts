import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import {
  resolveSecretRef,
  type LoadedConfig,
  type SecretRef,
  type SecretSource,
} from '@akv-replicator/core';
import { createMemoryBus, type Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';

/** Opens the transport `bus.transport` names (DESIGN "Bus"). */
export async function openBus(
  loaded: LoadedConfig,
  secrets: SecretSource,
  credentialFor: (tenant: string | undefined) => TokenCredential,
  /** Regions this process serves beyond the configured ones (`--region`, tag-chosen replicas). */
  extraRegions: readonly string[] = [],
): Promise<Bus> {
  const { bus } = loaded.config;
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
      const { connectServiceBusBus, deployedTopology } =
        await import('@akv-replicator/bus-servicebus');
      const { declaredTopology } = await import('./bus-topology');
      // Every service's subscriptions exist as soon as their topic does: Service Bus keeps a
      // message only for the subscriptions that exist when it is published.
      const declared = declaredTopology(loaded, extraRegions);
      const topology =
        serviceBus.topology === 'deployed'
          ? { provisioner: deployedTopology(declared) }
          : { declaredSubscriptions: (topic: string) => declared[topic] ?? [] };
      if (serviceBus.connectionString) {
        const connectionString = await resolveSecretRef(
          serviceBus.connectionString,
          'bus.serviceBus.connectionString',
          secrets,
        );
        return connectServiceBusBus({ connectionString, ...topology });
      }
      return connectServiceBusBus({
        fullyQualifiedNamespace: serviceBus.fullyQualifiedNamespace!,
        credential: credentialFor(serviceBus.tenant),
        ...topology,
      });
    }
  }
}

/** NATS credentials (.creds) are a file; read its bytes, or the text from an environment variable. */
async function readCredentials(ref: SecretRef, secrets: SecretSource): Promise<Uint8Array> {
  if ('fromFile' in ref) return new Uint8Array(await readFile(ref.fromFile));
  return new TextEncoder().encode(await resolveSecretRef(ref, 'bus.nats.credentialsFile', secrets));
}
