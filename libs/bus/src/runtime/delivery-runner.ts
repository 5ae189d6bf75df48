import { isReplicatorError, parseEnvelope } from '@akv-replicator/core';
import type { AnyEnvelope } from '@akv-replicator/core';
import type { HandlerContext, MessageHandler } from '../port/bus';
import type { HandlerResult } from '../port/handler-result';
import { reject, retry } from '../port/handler-result';
import type { BusInterceptor, HandleCall } from '../port/interceptors';
import { composeHandle } from '../port/interceptors';
import type { ResolvedSubscribeOptions } from '../port/options';
import { redeliveryDelayMs } from '../port/options';
import type { CompletedIds } from './completed-ids';
import type { BusErrorSink, Delivery } from './delivery';
import { Slots } from './slots';
import { recordDelivery, startDeliverySpan, type DeliveryOutcome } from './tracing';

export interface DeliveryRunnerOptions {
  /** Transport name for spans (`messaging.system`). */
  readonly transport?: string;
  readonly topic: string;
  readonly options: ResolvedSubscribeOptions;
  readonly handler: MessageHandler;
  readonly interceptors: readonly BusInterceptor[];
  readonly completed: CompletedIds;
  readonly onError: BusErrorSink;
}

/**
 * The transport-independent half of a consumer lane: validates the envelope at the boundary,
 * runs interceptors and the handler with a kept-alive lease, maps the outcome to ack / delayed
 * redelivery / dead-letter, bounds concurrency and drains on close. Never throws.
 */
export class DeliveryRunner {
  readonly slots: Slots;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #handle: (call: HandleCall) => Promise<HandlerResult>;
  #abandoned = false;
  // One timer renews every in-flight lease (cheaper than a timer per message).
  readonly #leased = new Set<Delivery>();
  readonly #settling = new Set<Promise<void>>();
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly config: DeliveryRunnerOptions) {
    this.slots = new Slots(config.options.concurrency);
    this.#handle = composeHandle(config.interceptors, (call) =>
      config.handler(call.envelope, call.context),
    );
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Runs one delivery; the caller must hold a slot (`slots.acquire()`), released when settled. */
  run(delivery: Delivery): void {
    const task = this.#process(delivery)
      .catch((error: unknown) => this.#report(error, 'process'))
      .finally(() => {
        this.#inFlight.delete(task);
        this.slots.release();
      });
    this.#inFlight.add(task);
  }

  /**
   * Waits for in-flight deliveries up to `timeoutMs`. Past it, handlers are told to stop (the
   * context signal aborts) and their results are ignored, so the broker redelivers them.
   */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all([...this.#inFlight]), timedOut]);
    if (outcome !== 'timeout') await Promise.race([Promise.all([...this.#settling]), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#abandoned = true;
      // Abandoned handlers stop holding their leases so another consumer gets the messages.
      this.#stopKeepAlive();
      this.#abort.abort(new Error('consumer shutting down: drain timeout elapsed'));
    }
  }

  #inBackground(settling: Promise<void>): void {
    this.#settling.add(settling);
    void settling.finally(() => this.#settling.delete(settling));
  }

  #startKeepAlive(): void {
    if (this.#keepAlive || this.#abandoned) return;
    const everyMs = Math.max(1, Math.floor(this.config.options.ackWaitMs / 3));
    this.#keepAlive = setInterval(() => {
      if (this.#leased.size === 0) return this.#stopKeepAlive();
      for (const delivery of this.#leased) delivery.working();
    }, everyMs);
    // Never the reason a process stays up: running handlers keep it alive on their own.
    this.#keepAlive.unref();
  }

  #stopKeepAlive(): void {
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }

  async #process(delivery: Delivery): Promise<void> {
    const { options } = this.config;
    let envelope: AnyEnvelope;
    try {
      envelope = parseEnvelope(delivery.body);
    } catch (error) {
      await this.#settle('dead-letter', () =>
        delivery.deadLetter(messageOf(error), peekId(delivery.body)),
      );
      recordDelivery(this.config.topic, options.subscription, 'dead-letter');
      return;
    }
    if (delivery.deliveryCount > options.maxDeliveries) {
      const reason = `delivery limit ${options.maxDeliveries} exceeded (lease expired or consumer stopped on the last delivery)`;
      await this.#settle('dead-letter', () => delivery.deadLetter(reason, envelope.id));
      recordDelivery(this.config.topic, options.subscription, 'dead-letter');
      return;
    }
    if (this.config.completed.has(envelope.id)) {
      // Redelivery of a message whose ack was lost: it was already handled to completion.
      await this.#settle('ack', () => delivery.ack());
      recordDelivery(this.config.topic, options.subscription, 'ack');
      return;
    }
    const traceContext =
      delivery.traceContext.traceparent !== undefined ? delivery.traceContext : pickTrace(envelope);
    const span = startDeliverySpan(
      this.config.transport ?? 'unknown',
      this.config.topic,
      options.subscription,
      envelope,
      traceContext,
      delivery.deliveryCount,
    );
    const result = await span.run(() => this.#invoke(envelope, delivery, traceContext));
    if (this.#abandoned) return span.finish('abandoned');
    span.finish(await this.#apply(result, envelope, delivery), reasonOf(result));
  }

  async #invoke(
    envelope: AnyEnvelope,
    delivery: Delivery,
    traceContext: HandlerContext['traceContext'],
  ): Promise<HandlerResult> {
    const { topic, options } = this.config;
    this.#leased.add(delivery);
    this.#startKeepAlive();
    const context: HandlerContext = {
      topic,
      subscription: options.subscription,
      deliveryCount: delivery.deliveryCount,
      routingKey: delivery.routingKey,
      properties: delivery.properties,
      traceContext,
      signal: this.#abort.signal,
      extendLease: () => {
        if (!this.#abandoned) delivery.working();
      },
    };
    try {
      const result = await this.#handle({ envelope, context });
      if (isHandlerResult(result)) return result;
      return retry(
        redeliveryDelayMs(options, delivery.deliveryCount),
        'handler returned no ack/retry/reject result',
      );
    } catch (error) {
      if (isReplicatorError(error) && !error.retryable) return reject(messageOf(error));
      return retry(redeliveryDelayMs(options, delivery.deliveryCount), messageOf(error));
    } finally {
      this.#leased.delete(delivery);
      if (this.#leased.size === 0) this.#stopKeepAlive();
    }
  }

  async #apply(
    result: HandlerResult,
    envelope: AnyEnvelope,
    delivery: Delivery,
  ): Promise<DeliveryOutcome> {
    const { maxDeliveries } = this.config.options;
    switch (result.kind) {
      case 'ack':
        this.config.completed.add(envelope.id);
        // The slot is free once the handler is done; the broker's ack confirmation is awaited
        // in the background (drain still waits for it) so a round trip never holds a slot.
        this.#inBackground(this.#settle('ack', () => delivery.ack()));
        return 'ack';
      case 'retry':
        if (delivery.deliveryCount >= maxDeliveries) {
          const reason = `max deliveries (${maxDeliveries}) reached; last: ${result.reason}`;
          await this.#settle('dead-letter', () => delivery.deadLetter(reason, envelope.id));
          return 'dead-letter';
        }
        await this.#settle('retry', () => delivery.retry(result.delayMs));
        return 'retry';
      case 'reject':
        await this.#settle('dead-letter', () => delivery.deadLetter(result.reason, envelope.id));
        return 'dead-letter';
    }
  }

  // A failed settlement leaves the message unsettled: the broker redelivers it after the lease.
  async #settle(action: string, settle: () => Promise<void>): Promise<void> {
    try {
      await settle();
    } catch (error) {
      this.#report(error, action);
    }
  }

  #report(error: unknown, action: string): void {
    try {
      this.config.onError(error, {
        topic: this.config.topic,
        subscription: this.config.options.subscription,
        action,
      });
    } catch {
      // An error sink must never take the consumer down.
    }
  }
}

function reasonOf(result: HandlerResult): string | undefined {
  return result.kind === 'ack' ? undefined : result.reason;
}

function isHandlerResult(value: unknown): value is HandlerResult {
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'ack' || kind === 'retry' || kind === 'reject';
}

function pickTrace(envelope: AnyEnvelope): HandlerContext['traceContext'] {
  return {
    ...(envelope.traceparent !== undefined ? { traceparent: envelope.traceparent } : {}),
    ...(envelope.tracestate !== undefined ? { tracestate: envelope.tracestate } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Best effort, for the dead-letter record only: the body failed validation.
function peekId(body: Uint8Array): string | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    const id = (value as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
