import type { TokenCredential } from '@azure/core-auth';
import {
  resolveSecretRef,
  silentLogger,
  type IngressInputsConfig,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import type { EventIntake } from '../intake/event-intake';
import { EventHubsInput } from './eventhubs-input';
import type { IngressInput } from './ingress-input';
import { ServiceBusQueueInput } from './servicebus-queue-input';

export interface IngressInputDeps {
  readonly intake: EventIntake;
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  readonly secrets: SecretSource;
  readonly logger?: Logger;
}

/**
 * The pulled inputs `ingress.inputs` configures (the webhook is the HTTP server's), with their
 * connection strings resolved from secret references — not started yet.
 */
export async function createIngressInputs(
  inputs: IngressInputsConfig,
  deps: IngressInputDeps,
): Promise<IngressInput[]> {
  const logger = deps.logger ?? silentLogger;
  const created: IngressInput[] = [];
  for (const [index, hub] of (inputs.eventHubs ?? []).entries()) {
    const path = `ingress.inputs.eventHubs[${index}]`;
    const store = hub.checkpointStore;
    created.push(
      new EventHubsInput({
        connection: hub.connectionString
          ? {
              connectionString: await resolveSecretRef(
                hub.connectionString,
                `${path}.connectionString`,
                deps.secrets,
              ),
            }
          : {
              fullyQualifiedNamespace: hub.fullyQualifiedNamespace!,
              credential: deps.credentialFor(hub.tenant),
            },
        eventHubName: hub.eventHubName,
        consumerGroup: hub.consumerGroup,
        checkpointStore: store.connectionString
          ? {
              connectionString: await resolveSecretRef(
                store.connectionString,
                `${path}.checkpointStore.connectionString`,
                deps.secrets,
              ),
              containerName: store.containerName!,
            }
          : {
              blobContainerUrl: store.blobContainerUrl!,
              credential: deps.credentialFor(hub.tenant),
            },
        loadBalancing: {
          updateIntervalInMs: hub.loadBalancing.updateIntervalSeconds * 1000,
          partitionOwnershipExpirationIntervalInMs:
            hub.loadBalancing.ownershipExpirationSeconds * 1000,
        },
        intake: deps.intake,
        logger,
      }),
    );
  }
  for (const [index, queue] of (inputs.serviceBusQueues ?? []).entries()) {
    const path = `ingress.inputs.serviceBusQueues[${index}]`;
    created.push(
      new ServiceBusQueueInput({
        connection: queue.connectionString
          ? {
              connectionString: await resolveSecretRef(
                queue.connectionString,
                `${path}.connectionString`,
                deps.secrets,
              ),
            }
          : {
              fullyQualifiedNamespace: queue.fullyQualifiedNamespace!,
              credential: deps.credentialFor(queue.tenant),
            },
        queueName: queue.queueName,
        intake: deps.intake,
        logger,
      }),
    );
  }
  return created;
}
