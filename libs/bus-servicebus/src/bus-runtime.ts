/**
 * The transport-facing half of `@akv-replicator/bus` (ADR 0200: every transport shares the base
 * class, delivery runner, lanes and option checks), gathered in one place for this package.
 */
export {
  BusBase,
  OncePerKey,
  checkBusName,
  checkDurationMs,
  publishWithRetry,
} from '@akv-replicator/bus/transport';
export type {
  Delivery,
  DeliveryRunner,
  Lane,
  PublishCall,
  RunnerFactory,
} from '@akv-replicator/bus/transport';
