import { SUBSCRIPTIONS, TOPICS, type LoadedConfig } from '@akv-replicator/core';
import type { DeclaredTopology } from '@akv-replicator/bus-servicebus';
import { replicaRegions } from './replica-regions';

/**
 * Every bus subscription the services of this configuration take, per topic. Service Bus keeps
 * a message only for subscriptions that exist when it is published, so the transport creates
 * these with their topic (an ingress started before discovery loses nothing), and a deployed
 * topology (Bicep, the emulator's Config.json) must hold exactly these.
 */
export function declaredTopology(
  loaded: LoadedConfig,
  extraRegions: readonly string[] = [],
): DeclaredTopology {
  const { config } = loaded;
  const regions = [...new Set([...replicaRegions(loaded), ...extraRegions])].sort();
  const maxDeliveries = config.bus.maxDeliveries;
  return {
    [TOPICS.vaultEvents]: [{ subscription: SUBSCRIPTIONS.discovery }],
    [TOPICS.resyncCommands]: [{ subscription: SUBSCRIPTIONS.discovery }],
    [TOPICS.secretTasks]: regions.map((region) => ({
      subscription: SUBSCRIPTIONS.replicator(region),
      routingKeys: [region],
      maxDeliveries,
    })),
    [TOPICS.certificateTasks]: regions.map((region) => ({
      subscription: SUBSCRIPTIONS.certificateConverter(region),
      routingKeys: [region],
      maxDeliveries,
    })),
    [TOPICS.outcomes]: [
      ...(config.notifications.enabled
        ? [{ subscription: SUBSCRIPTIONS.notifier, maxDeliveries }]
        : []),
      // Discovery's status board follows outcomes only when it serves the status endpoint.
      ...(config.status.enabled
        ? [{ subscription: SUBSCRIPTIONS.discoveryStatus, maxDeliveries }]
        : []),
    ],
  };
}
