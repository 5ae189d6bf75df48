import { readFile } from 'node:fs/promises';
import {
  resolveSecretRef,
  ReplicatorError,
  type Config,
  type SecretRef,
  type SecretSource,
} from '@akv-replicator/core';
import { connectNatsBus, createMemoryBus, type Bus } from '@akv-replicator/bus';

/** Opens the transport `bus.transport` names (DESIGN "Bus"). */
export async function openBus(config: Config, secrets: SecretSource): Promise<Bus> {
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
    case 'servicebus':
      throw new ReplicatorError(
        'bus.transport servicebus: the Service Bus transport is not available in this build yet (issue [servicebus]); use nats',
        { code: 'TransportUnavailable' },
      );
  }
}

/** NATS credentials (.creds) are a file; read its bytes, or the text from an environment variable. */
async function readCredentials(ref: SecretRef, secrets: SecretSource): Promise<Uint8Array> {
  if ('fromFile' in ref) return new Uint8Array(await readFile(ref.fromFile));
  return new TextEncoder().encode(await resolveSecretRef(ref, 'bus.nats.credentialsFile', secrets));
}
