/**
 * What every service's composition root returns (`createIngressApp`, `createDiscoveryApp`,
 * `createReplicatorApp`, `createCertificateConverterApp`, `createNotifierApp`): dependencies
 * go in (`createXApp(config, deps)`), these two come out. The CLI starts and stops any set of
 * them the same way.
 */
export interface ServiceApp {
  /** Subscribes, listens or schedules; resolves once the service does its job. */
  start(): Promise<void>;
  /** Stops taking work, finishes what is in flight, releases what `start` took. Idempotent. */
  stop(): Promise<void>;
}
