import {
  BROKER_PUBLISH_RETRY,
  RetryGaveUpError,
  encodeEnvelope,
  retry,
} from '@akv-replicator/core';
import type { NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type {
  DeadLetter,
  DeadLetterQuery,
  PublishCall,
  PublishReceipt,
  ResolvedSubscribeOptions,
} from '@akv-replicator/bus';
import {
  BusBase,
  OncePerKey,
  checkBusName,
  type Lane,
  type RunnerFactory,
} from '@akv-replicator/bus/transport';
import { listDeadLetters } from './nats-dead-letters';
import { messageHeaders } from './nats-headers';
import { startNatsLane } from './nats-lane';
import { messageSubject, streamName } from './nats-naming';
import type { ResolvedNatsBusOptions } from './nats-options';
import { publishUntilAcknowledged } from './nats-publish';
import { WriteBatcher } from './write-batcher';
import { PubAckInbox } from './pub-ack-inbox';
import { ensureLaneConsumer, ensureTopicStream } from './nats-topology';

/**
 * The bus on NATS JetStream. Streams and durable consumers are created idempotently the first
 * time a topic is used; messages are de-duplicated by envelope id (Nats-Msg-Id) and settled
 * with ack-ack / nak(delay) / term after a copy went to the dead-letter stream.
 */
export class NatsBus extends BusBase {
  readonly transport = 'nats';
  readonly #topics = new OncePerKey();
  readonly #batcher = new WriteBatcher();
  readonly #inbox: PubAckInbox;

  constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: ResolvedNatsBusOptions,
    private readonly ownsConnection: boolean,
  ) {
    super(options);
    this.#inbox = new PubAckInbox(connection);
  }

  /** Creates the topic's stream now (services call it at start for the topics they use). */
  ensureTopic(topic: string): Promise<void> {
    checkBusName('topic', topic);
    return this.#topics.run(topic, () =>
      ensureTopicStream(this.jsm, this.options.prefix, topic, this.options),
    );
  }

  /** Publishes bytes as they are (no envelope validation): foreign producers, tests. */
  async publishRaw(
    topic: string,
    body: Uint8Array,
    options: { id?: string; routingKey?: string } = {},
  ): Promise<PublishReceipt> {
    await this.ensureTopic(topic);
    if (options.routingKey !== undefined) checkBusName('routingKey', options.routingKey);
    const subject = messageSubject(this.options.prefix, topic, options.routingKey);
    if (options.id === undefined) {
      const ack = await this.js.publish(subject, body);
      return { duplicate: ack.duplicate, sequence: ack.seq };
    }
    return this.#publish(topic, subject, body, options.id, messageHeaders(undefined, {}));
  }

  deadLetters(topic: string, query: DeadLetterQuery = {}): Promise<readonly DeadLetter[]> {
    return listDeadLetters(this.js, this.jsm, this.options.prefix, topic, query);
  }

  protected async sendEnvelope(call: PublishCall): Promise<PublishReceipt> {
    await this.#ensureTopicWithin(call.topic, this.options.publishTimeoutMs);
    const { envelope, options } = call;
    const trace = {
      ...(envelope.traceparent !== undefined ? { traceparent: envelope.traceparent } : {}),
      ...(envelope.tracestate !== undefined ? { tracestate: envelope.tracestate } : {}),
    };
    const subject = messageSubject(this.options.prefix, call.topic, options.routingKey);
    return this.#publish(
      call.topic,
      subject,
      encodeEnvelope(envelope),
      envelope.id,
      messageHeaders(options.properties, trace),
    );
  }

  protected async openLanes(
    topic: string,
    options: ResolvedSubscribeOptions,
    createRunner: RunnerFactory,
  ): Promise<Lane[]> {
    await this.ensureTopic(topic);
    const keys = options.routingKeys ?? [undefined];
    const lanes: Lane[] = [];
    for (const key of keys) {
      const durable = await ensureLaneConsumer(this.jsm, this.options.prefix, topic, options, key);
      const consumer = await this.js.consumers.get(streamName(this.options.prefix, topic), durable);
      lanes.push(
        await startNatsLane(consumer, createRunner(), {
          js: this.js,
          prefix: this.options.prefix,
          topic,
          subscription: options.subscription,
          ackWaitMs: options.ackWaitMs,
          confirmAcks: this.options.confirmAcks,
          onError: this.reportError,
          batcher: this.#batcher,
        }),
      );
    }
    return lanes;
  }

  protected async shutdown(): Promise<void> {
    if (!this.ownsConnection || this.connection.isClosed()) {
      this.#inbox.close();
      return;
    }
    // drain() flushes pending acks; close() is the fallback when the broker is gone.
    await Promise.race([
      this.connection.drain(),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]).catch(() => undefined);
    if (!this.connection.isClosed()) await this.connection.close();
    this.#inbox.close();
  }

  // Like publish itself, the first use of a topic rides out a broker restart until the timeout.
  async #ensureTopicWithin(topic: string, timeoutMs: number): Promise<void> {
    await retry(() => this.ensureTopic(topic), {
      policy: BROKER_PUBLISH_RETRY,
      deadlineMs: Date.now() + timeoutMs,
      shouldStop: () => this.connection.isClosed(),
    }).catch((error: unknown) => {
      // The stream's own error says what is wrong (the publish timeout is the caller's).
      throw error instanceof RetryGaveUpError ? error.cause : error;
    });
  }

  #publish(
    topic: string,
    subject: string,
    body: Uint8Array,
    id: string,
    headers: ReturnType<typeof messageHeaders>,
  ): Promise<PublishReceipt> {
    return publishUntilAcknowledged(this.#inbox, {
      topic,
      subject,
      body,
      id,
      headers,
      batcher: this.#batcher,
      timeoutMs: this.options.publishTimeoutMs,
      isClosed: () => this.connection.isClosed(),
    });
  }
}
