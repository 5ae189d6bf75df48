import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { LeaseStore } from '../lease-store';

/** KV calls give up after this (a round is retried every renew period anyway). */
const KV_TIMEOUT_MS = 2_000;

export interface NatsLeaseStoreOptions {
  /** JetStream KV bucket holding the lease; its TTL is the lease duration. */
  readonly bucket: string;
  /** Key of this lease in the bucket (one bucket may hold several leases of one duration). */
  readonly key: string;
}

/**
 * A lease as one key of a JetStream KV bucket whose TTL (the stream's max_age) is the lease
 * duration: the holder rewrites the key every renew period with compare-and-set on the revision
 * it last wrote, so a competing write fails; a holder that stops writing has its value removed
 * by the server after the TTL, and the next candidate's `create` succeeds. Expiry runs on the
 * server's one clock, never on a comparison of two candidates' clocks.
 */
export class NatsLeaseStore implements LeaseStore {
  #kv: Promise<KV> | undefined;
  /** The revision this candidate last wrote: the compare-and-set for the next renewal. */
  #revision: number | undefined;
  #observed: string | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsLeaseStoreOptions,
  ) {}

  get observedHolder(): string | undefined {
    return this.#observed;
  }

  async tryAcquire(identity: string, leaseMs: number): Promise<boolean> {
    this.#observed = undefined;
    const kv = await this.#open(leaseMs);
    const { key } = this.options;
    if (this.#revision !== undefined) {
      try {
        this.#revision = await kv.update(key, identity, this.#revision);
        this.#observed = identity;
        return true;
      } catch (error) {
        // Expired (and maybe taken) since the last renewal: this candidate starts over.
        this.#revision = undefined;
        throw error;
      }
    }
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT' && entry.string() !== identity) {
      this.#observed = entry.string();
      return false;
    }
    this.#revision =
      entry?.operation === 'PUT'
        ? await kv.update(key, identity, entry.revision)
        : await kv.create(key, identity);
    this.#observed = identity;
    return true;
  }

  async release(identity: string): Promise<void> {
    const revision = this.#revision;
    this.#revision = undefined;
    if (revision === undefined || !this.#kv) return;
    const kv = await this.#kv;
    const entry = await kv.get(this.options.key);
    if (entry?.operation !== 'PUT' || entry.string() !== identity) return;
    // previousSeq: a successor's record written since is never deleted.
    await kv.delete(this.options.key, { previousSeq: revision });
  }

  #open(leaseMs: number): Promise<KV> {
    this.#kv ??= this.#openBucket(leaseMs).catch((error: unknown) => {
      this.#kv = undefined;
      throw error;
    });
    return this.#kv;
  }

  async #openBucket(leaseMs: number): Promise<KV> {
    const js = jetstream(this.connection, { timeout: KV_TIMEOUT_MS });
    const kv = await new Kvm(js).create(this.options.bucket, {
      ttl: leaseMs,
      history: 1,
      timeout: KV_TIMEOUT_MS,
    });
    // An existing bucket keeps the TTL it was made with: a changed lease duration is applied
    // to it, so the server never expires a lease sooner than its holder steps down.
    const status = await kv.status();
    if (status.ttl !== leaseMs) {
      const jsm = await jetstreamManager(this.connection, { timeout: KV_TIMEOUT_MS });
      const info = await jsm.streams.info(status.streamInfo.config.name);
      await jsm.streams.update(info.config.name, { ...info.config, max_age: nanos(leaseMs) });
    }
    return kv;
  }
}
