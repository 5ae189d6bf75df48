import {
  ConfigError,
  resolveSecretRef,
  type Config,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import {
  AlwaysLeader,
  LeaseCampaign,
  candidateIdentity,
  type LeaderElection,
  type LeadershipListener,
} from '@akv-replicator/leases';
import type { Bus } from '@akv-replicator/bus';
import type { NatsConnection } from '@akv-replicator/leases/nats';
import type { TokenCredential } from '@akv-replicator/leases/azure-blob';

export interface ElectionBackends {
  /** Discovery's bus: with `bus.transport: nats` its connection holds the `kind: nats` lease. */
  readonly bus?: Bus;
  /** Where `kind: nats` keeps its lease; default the bus's own NATS connection. */
  readonly natsConnection?: NatsConnection;
  /** This instance's identity in the lease; default host name plus a random suffix. */
  readonly identity?: string;
  /**
   * Where this instance's status endpoint answers (`host:port`), carried in its default identity:
   * a follower forwards status requests there while this instance leads.
   */
  readonly advertise?: string;
  readonly logger?: Logger;
  /** `kind: azure-blob` with `blobContainerUrl`: the tenant's credential (the runtime's). */
  readonly credentialFor?: (tenant: string | undefined) => TokenCredential;
  /** `kind: azure-blob` with `connectionString`: where the secret reference is read. */
  readonly secrets?: SecretSource;
}

/**
 * The election `discovery.leaderElection.kind` names. Each backend's SDK is loaded only when
 * configured; a kind whose backend is missing fails at start, naming the key.
 */
export async function electionFromConfig(
  config: Config,
  listener: LeadershipListener,
  backends: ElectionBackends,
): Promise<LeaderElection> {
  const settings = config.discovery.leaderElection;
  const identity = backends.identity ?? candidateIdentity(undefined, backends.advertise);
  const timing = { leaseMs: settings.leaseSeconds * 1000, renewMs: settings.renewSeconds * 1000 };
  switch (settings.kind) {
    case 'none':
      return new AlwaysLeader(listener, identity);
    case 'nats': {
      const connection = backends.natsConnection ?? natsConnectionOf(backends.bus);
      // bus.transport nats is checked with the configuration; this is a bus that hides its NATS.
      if (!connection)
        throw new ConfigError([
          {
            path: 'discovery.leaderElection.kind',
            message: `nats keeps the lease on the bus's NATS connection, and this ${config.bus.transport} bus exposes none`,
          },
        ]);
      const { NatsLeaseStore } = await import('@akv-replicator/leases/nats');
      const store = new NatsLeaseStore(connection, {
        // KV bucket names allow letters, digits, - and _ (the prefix is a NATS name already).
        bucket: `${config.bus.nats?.prefix ?? 'akvr'}-leases`,
        key: settings.name,
      });
      return new LeaseCampaign(store, listener, {
        identity,
        ...timing,
        ...(backends.logger ? { logger: backends.logger } : {}),
      });
    }
    case 'azure-blob': {
      const { BlobLeaseStore, leaseContainerClient } =
        await import('@akv-replicator/leases/azure-blob');
      const container = leaseContainerClient(await blobLocation(settings, backends));
      const store = new BlobLeaseStore(container, { blobName: settings.name });
      return new LeaseCampaign(store, listener, {
        identity,
        ...timing,
        ...(backends.logger ? { logger: backends.logger } : {}),
      });
    }
    case 'kubernetes-lease': {
      const { LeaseElection, inClusterKubeConfig, podNamespace } =
        await import('@akv-replicator/leases/kubernetes');
      let kubeConfig;
      try {
        kubeConfig = inClusterKubeConfig();
      } catch (error) {
        throw new ConfigError([
          {
            path: 'discovery.leaderElection.kind',
            message: `kubernetes-lease runs in a pod: ${(error as Error).message}`,
          },
        ]);
      }
      return new LeaseElection(kubeConfig, {
        name: settings.name,
        namespace: settings.namespace ?? podNamespace() ?? 'default',
        identity,
        durationSeconds: settings.leaseSeconds,
        renewSeconds: settings.renewSeconds,
        onStartedLeading: (event) => listener.onStartedLeading(event),
        onStoppedLeading: () => listener.onStoppedLeading(),
        ...(backends.logger ? { logger: backends.logger } : {}),
      });
    }
  }
}

/** Where `azureBlob` says the lease blob lives, with its connection string or credential. */
async function blobLocation(
  settings: Config['discovery']['leaderElection'],
  backends: ElectionBackends,
) {
  // The schema requires azureBlob with kind azure-blob, and exactly one of its two forms.
  const blob = settings.azureBlob!;
  const path = 'discovery.leaderElection.azureBlob';
  if (blob.connectionString) {
    if (!backends.secrets)
      throw new ConfigError([
        { path: `${path}.connectionString`, message: 'no secret source to read it from' },
      ]);
    return {
      connectionString: await resolveSecretRef(
        blob.connectionString,
        `${path}.connectionString`,
        backends.secrets,
      ),
      containerName: blob.containerName!,
    };
  }
  if (!backends.credentialFor)
    throw new ConfigError([
      { path: `${path}.blobContainerUrl`, message: 'no Azure credential to read it with' },
    ]);
  return {
    blobContainerUrl: blob.blobContainerUrl!,
    credential: backends.credentialFor(blob.tenant),
  };
}

/**
 * The NATS bus (`@akv-replicator/bus-nats`' NatsBus) exposes its connection; discovery reads it
 * instead of importing the adapter package, so whoever opens the bus need pass nothing more.
 */
function natsConnectionOf(bus: Bus | undefined): NatsConnection | undefined {
  const connection = (bus as { connection?: Partial<NatsConnection> } | undefined)?.connection;
  return typeof connection?.request === 'function' && typeof connection.isClosed === 'function'
    ? (connection as NatsConnection)
    : undefined;
}
