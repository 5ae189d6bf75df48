// The lease in a NATS JetStream KV bucket (loads @nats-io/kv only for `kind: nats`).
export { NatsLeaseStore } from './nats-lease-store';
export type { NatsLeaseStoreOptions } from './nats-lease-store';
