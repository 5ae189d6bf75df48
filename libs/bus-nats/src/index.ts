// NATS JetStream transport for the akv-replicator bus port: the vendor SDK (@nats-io/*) stays
// in this adapter package, like Azure Service Bus in @akv-replicator/bus-servicebus.
export { connectNatsBus } from './connect-nats-bus';
export { NatsBus } from './nats-bus';
export {
  DEFAULT_NATS_PREFIX,
  DEFAULT_STREAM_MAX_AGE_MS,
  DEFAULT_DEAD_LETTER_MAX_AGE_MS,
  DEFAULT_NATS_RECONNECT_WAIT_MS,
  resolveNatsBusOptions,
} from './nats-options';
export type { NatsBusOptions, ResolvedNatsBusOptions } from './nats-options';
