/** The services a process can run (`up --services`); each is loaded only by the process that runs it. */
export const SERVICE_NAMES = [
  'ingress',
  'discovery',
  'replicator',
  'certificate-converter',
  'notifier',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
