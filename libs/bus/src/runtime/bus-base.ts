import type { Envelope } from '@akv-replicator/core';
import type {
  Bus,
  DeadLetter,
  DeadLetterQuery,
  MessageHandler,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
} from '../port/bus';
import { BusClosedError, BusOptionsError } from '../port/errors';
import type { BusInterceptor, PublishCall } from '../port/interceptors';
import { composePublish } from '../port/interceptors';
import type { ResolvedSubscribeOptions } from '../port/options';
import {
  checkBusName,
  checkDurationMs,
  DEFAULT_COMPLETED_ID_WINDOW_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  resolveSubscribeOptions,
} from '../port/options';
import { CompletedIds } from './completed-ids';
import type { BusErrorSink } from './delivery';
import { DeliveryRunner } from './delivery-runner';
import type { Lane } from './lane-subscription';
import { LaneSubscription } from './lane-subscription';
import { tracedPublish } from './tracing';
import { registerBacklogSource, type BacklogSample } from '@akv-replicator/core';

/** Options every transport accepts. */
export interface BusOptions {
  /** Around publish and handle, outermost first (logging, tracing, metrics). */
  readonly interceptors?: readonly BusInterceptor[];
  /** How long close() waits for in-flight handlers. Default DEFAULT_DRAIN_TIMEOUT_MS. */
  readonly drainTimeoutMs?: number;
  /** Broker failures the consumer survived (failed ack, failed dead-letter). Default: ignored. */
  readonly onError?: BusErrorSink;
  /** How long consumers remember completed ids. Default DEFAULT_COMPLETED_ID_WINDOW_MS. */
  readonly completedIdWindowMs?: number;
}

/** Creates the runner of one lane; transports call it once per lane they open. */
export type RunnerFactory = () => DeliveryRunner;

/**
 * What every transport shares: option validation, interceptors, subscriptions made of lanes,
 * idempotent drain-then-close. A transport supplies sending, lanes, dead letters, shutdown.
 */
export abstract class BusBase implements Bus {
  abstract readonly transport: string;
  protected readonly drainTimeoutMs: number;
  readonly #options: BusOptions;
  readonly #send: (call: PublishCall) => Promise<PublishReceipt>;
  readonly #subscriptions = new Set<LaneSubscription>();
  readonly #completed = new Map<string, CompletedIds>();
  readonly #completedWindowMs: number;
  #closing: Promise<void> | undefined;
  readonly #closed: Promise<void>;
  #markClosed!: () => void;
  readonly #unregisterBacklog: () => void;

  constructor(options: BusOptions) {
    this.#options = options;
    this.drainTimeoutMs = checkDurationMs(
      'drainTimeoutMs',
      options.drainTimeoutMs,
      DEFAULT_DRAIN_TIMEOUT_MS,
    );
    this.#completedWindowMs = checkDurationMs(
      'completedIdWindowMs',
      options.completedIdWindowMs,
      DEFAULT_COMPLETED_ID_WINDOW_MS,
    );
    this.#send = composePublish(options.interceptors ?? [], (call) => this.sendEnvelope(call));
    this.#closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    this.#unregisterBacklog = registerBacklogSource(() => this.#backlog());
  }

  // For the akvr_bus_backlog_messages gauge: a failing broker query reports nothing.
  async #backlog(): Promise<BacklogSample[]> {
    const samples = await Promise.all(
      [...this.#subscriptions].map(async (sub) => {
        const messages = await sub.backlog().catch(() => undefined);
        return messages === undefined
          ? []
          : [{ topic: sub.topic, subscription: sub.subscription, messages }];
      }),
    );
    return samples.flat();
  }

  /** Where transports report broker failures they survived. */
  protected reportError: BusErrorSink = (error, info) => {
    try {
      this.#options.onError?.(error, info);
    } catch {
      // An error sink must never take the bus down.
    }
  };

  protected get isClosing(): boolean {
    return this.#closing !== undefined;
  }

  // async: invalid arguments reject like every other failure instead of throwing synchronously.
  async publish(
    topic: string,
    envelope: Envelope,
    options: PublishOptions = {},
  ): Promise<PublishReceipt> {
    if (this.isClosing) throw new BusClosedError('publish');
    checkBusName('topic', topic);
    if (options.routingKey !== undefined) checkBusName('routingKey', options.routingKey);
    for (const [key, value] of Object.entries(options.properties ?? {})) {
      if (typeof value !== 'string')
        throw new BusOptionsError(`properties.${key}`, 'must be a string');
    }
    return tracedPublish(this.transport, { topic, envelope, options }, this.#send);
  }

  async subscribe(
    topic: string,
    options: SubscribeOptions,
    handler: MessageHandler,
  ): Promise<Subscription> {
    if (this.isClosing) throw new BusClosedError('subscribe');
    checkBusName('topic', topic);
    const resolved = resolveSubscribeOptions(options);
    const completedKey = `${topic}\u0000${resolved.subscription}`;
    let completed = this.#completed.get(completedKey);
    if (!completed) {
      completed = new CompletedIds(this.#completedWindowMs);
      this.#completed.set(completedKey, completed);
    }
    const finalCompleted = completed;
    const lanes = await this.openLanes(
      topic,
      resolved,
      () =>
        new DeliveryRunner({
          transport: this.transport,
          topic,
          options: resolved,
          handler,
          interceptors: this.#options.interceptors ?? [],
          completed: finalCompleted,
          onError: this.reportError,
        }),
    );
    const subscription = new LaneSubscription(
      topic,
      resolved.subscription,
      lanes,
      this.drainTimeoutMs,
      (sub) => this.#subscriptions.delete(sub),
    );
    this.#subscriptions.add(subscription);
    if (this.isClosing) {
      await subscription.close();
      throw new BusClosedError('subscribe');
    }
    return subscription;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#subscriptions].map((sub) => sub.close()));
      this.#unregisterBacklog();
      await this.shutdown();
      this.#markClosed();
    })();
    return this.#closing;
  }

  closed(): Promise<void> {
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  abstract deadLetters(topic: string, query?: DeadLetterQuery): Promise<readonly DeadLetter[]>;

  /** Sends one envelope after interceptors ran; resolves when the broker accepted it. */
  protected abstract sendEnvelope(call: PublishCall): Promise<PublishReceipt>;

  /** Opens one lane per routing key (or one for all) and starts delivering to its runner. */
  protected abstract openLanes(
    topic: string,
    options: ResolvedSubscribeOptions,
    createRunner: RunnerFactory,
  ): Promise<Lane[]>;

  /** Releases the connection after every subscription drained. */
  protected abstract shutdown(): Promise<void>;
}
