/** The services `up --services` can run; each is loaded only by the process that runs it. */
export const SERVICE_NAMES = [
  'ingress',
  'discovery',
  'replicator',
  'certificate-converter',
  'notifier',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
