import type { AnyEnvelope, Envelope } from '@akv-replicator/core';
import type { HandlerResult } from './handler-result';

/** W3C trace context carried on every hop (`traceparent`, `tracestate` headers). */
export interface TraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface PublishOptions {
  /** Routing key, e.g. the replica region; subscriptions filter on it. Omitted = no key. */
  readonly routingKey?: string;
  /** Application properties (Service Bus application properties, NATS headers). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** What the broker said when it durably accepted a message. */
export interface PublishReceipt {
  /** True when a message with the same envelope id was already accepted inside the dedup window. */
  readonly duplicate: boolean;
  /** Broker sequence when the broker has one (JetStream stream sequence, memory log position). */
  readonly sequence?: number;
}

/** Sends envelopes. */
export interface Publisher {
  /**
   * Resolves once the broker has durably accepted the message. The envelope `id` is the
   * de-duplication key: publishing the same id again inside the window is a no-op that
   * resolves with `duplicate: true`, so retrying a publish is always safe.
   */
  publish(topic: string, envelope: Envelope, options?: PublishOptions): Promise<PublishReceipt>;
}

/** What a handler knows about the delivery besides the envelope. */
export interface HandlerContext {
  readonly topic: string;
  readonly subscription: string;
  /** 1 on the first delivery, incremented by every redelivery (retry, lease expiry, crash). */
  readonly deliveryCount: number;
  readonly routingKey: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** Trace context of the publisher (from headers, else from the envelope). */
  readonly traceContext: TraceContext;
  /**
   * Aborted when the consumer is shutting down and the drain grace period ran out: stop work
   * soon; whatever the handler returns afterwards is ignored and the message is redelivered.
   */
  readonly signal: AbortSignal;
  /**
   * Tells the broker the handler is still working (JetStream `working()`, a memory lease
   * reset). Transports already do this automatically while the handler runs; call it when a
   * step may block the event loop for longer than the lease.
   */
  extendLease(): void;
}

/** Handles one envelope and says what to do with it; throwing means retry with backoff. */
export type MessageHandler = (
  envelope: AnyEnvelope,
  context: HandlerContext,
) => Promise<HandlerResult>;

export interface SubscribeOptions {
  /** Durable subscription name: consumers with the same name share (compete for) messages. */
  readonly subscription: string;
  /**
   * Only messages with these routing keys. Each key is an independent lane (its own broker
   * consumer and its own concurrency bound) so a stalled region never delays another.
   * Omitted = every message of the topic, one lane.
   */
  readonly routingKeys?: readonly string[];
  /** Handlers in flight at once, per lane. Default DEFAULT_CONCURRENCY. */
  readonly concurrency?: number;
  /** Deliveries before the message is dead-lettered. Default DEFAULT_MAX_DELIVERIES. */
  readonly maxDeliveries?: number;
  /**
   * Delay before redelivery after a handler threw, by delivery count (the last entry repeats).
   * Default DEFAULT_RETRY_BACKOFF_MS.
   */
  readonly retryBackoffMs?: readonly number[];
  /**
   * Lease: how long the broker waits for a settlement before redelivering to another consumer.
   * Kept alive automatically while the handler runs. Default DEFAULT_ACK_WAIT_MS.
   */
  readonly ackWaitMs?: number;
}

/** A running consumer. */
export interface Subscription {
  readonly topic: string;
  readonly subscription: string;
  /** Stops fetching, waits for in-flight handlers (up to the drain timeout), then detaches. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the subscription has stopped. */
  closed(): Promise<void>;
}

/** Receives envelopes. */
export interface Subscriber {
  /**
   * Starts a consumer. Resolves once the broker side exists (stream, durable consumer), so
   * messages published afterwards — and those retained from before — are delivered.
   */
  subscribe(
    topic: string,
    options: SubscribeOptions,
    handler: MessageHandler,
  ): Promise<Subscription>;
}

/** A message that left the normal flow, kept for inspection and notification. */
export interface DeadLetter {
  readonly topic: string;
  readonly subscription: string;
  readonly reason: string;
  readonly deliveryCount: number;
  /** The original message bytes, exactly as published (may not be a valid envelope). */
  readonly body: Uint8Array;
  /** The envelope id when the body parsed far enough to have one. */
  readonly envelopeId: string | undefined;
  readonly routingKey: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** When it was dead-lettered (ISO 8601). */
  readonly at: string;
  /**
   * Position in the topic's dead-letter destination, increasing with every dead letter (memory
   * counter, JetStream stream sequence). Pass it back as `afterSequence` to read only newer ones.
   * Transports without an ordering may omit it.
   */
  readonly sequence?: number;
}

export interface DeadLetterQuery {
  /** Only this subscription's dead letters. */
  readonly subscription?: string;
  /** At most this many, oldest first. Default DEFAULT_DEAD_LETTER_LIST_LIMIT. */
  readonly limit?: number;
  /** Only dead letters with a `sequence` greater than this (a reader's cursor). */
  readonly afterSequence?: number;
}

/** Reads the dead-letter destination of a topic. */
export interface DeadLetterReader {
  deadLetters(topic: string, query?: DeadLetterQuery): Promise<readonly DeadLetter[]>;
}

/** The whole bus a service gets: publish, subscribe, inspect dead letters, drain and close. */
export interface Bus extends Publisher, Subscriber, DeadLetterReader, AsyncDisposable {
  /** Human-readable transport name: `memory`, `nats`, `servicebus`. */
  readonly transport: string;
  /**
   * Stops every subscription (drain: no new fetches, in-flight handlers finish up to the drain
   * timeout), then closes the connection. Idempotent: every call returns the same promise.
   */
  close(): Promise<void>;
  /** Resolves when the bus is closed. */
  closed(): Promise<void>;
}
