// The lease in a NATS JetStream KV bucket (loads @nats-io/kv only for `kind: nats`).
export { NatsLeaseStore } from './nats-lease-store';
export type { NatsLeaseStoreOptions } from './nats-lease-store';
/** The connection type a NATS lease needs (type only: nothing is loaded). */
export type { NatsConnection } from '@nats-io/nats-core';
