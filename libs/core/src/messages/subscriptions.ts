/**
 * The services' bus subscriptions, part of the messaging contract beside TOPICS: Service Bus keeps
 * a message only for subscriptions that exist when it is published, so deployments declare
 * these up front (services/cli bus-topology.ts), and a deployed topology must hold them.
 */
export const SUBSCRIPTIONS = {
  discovery: 'discovery',
  notifier: 'notifier',
  /** Discovery's status board reads outcomes (only with `status.enabled`). */
  discoveryStatus: 'discovery-status',
  /** Every replicator serving a region shares its subscription (competing consumers). */
  replicator: (region: string): string => `replicator-${region}`,
  certificateConverter: (region: string): string => `certificate-converter-${region}`,
} as const;
