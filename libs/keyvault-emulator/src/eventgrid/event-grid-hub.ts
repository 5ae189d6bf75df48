import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock';
import { toUnixSeconds } from '../clock';
import type {
  NewVersionEvent,
  PublishedObject,
  VaultEventSink,
  VaultIdentity,
} from '../vault-context';
import {
  createKeyVaultEvent,
  vaultTopic,
  type KeyVaultEvent,
  type KeyVaultEventType,
} from './event-shapes';
import { deadLetter, type DeadLetteredEvent } from './dead-letter';
import {
  documentedRetryDelayMs,
  isDelivered,
  isNotRetried,
  type DeadLetterReason,
} from './delivery-policy';
import {
  resolveSubscription,
  type DeliveryRetryOptions,
  type ResolvedSubscription,
  type WebhookSubscriptionOptions,
} from './subscription-options';
import { deliverOnce, validateWebhook } from './webhook-client';
import { MessagingDestination } from './messaging-destination';

/** One delivery attempt, kept for tests and diagnostics. */
export interface DeliveryAttempt {
  readonly subscription: string;
  readonly eventId: string;
  readonly eventType: string;
  /** `aeg-delivery-count` sent: 0 on the first attempt. */
  readonly deliveryCount: number;
  /** HTTP status, or 0 for a network error. */
  readonly status: number;
}

/**
 * Event Grid for the emulator's vaults: webhook subscriptions per vault, validation
 * handshake, at-least-once delivery with bounded exponential backoff, optional chaos.
 */
export class EventGridHub implements VaultEventSink {
  readonly #subscriptions = new Map<string, ResolvedSubscription>();
  /** Producer / sender clients of Event Hub and Service Bus queue subscriptions, by name. */
  readonly #messaging = new Map<string, MessagingDestination>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #attempts: DeliveryAttempt[] = [];
  readonly #deadLetters: DeadLetteredEvent[] = [];
  readonly #reorderBuffers = new Map<string, KeyVaultEvent[]>();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #retryDefaults: DeliveryRetryOptions;
  readonly #vaultLookup: (name: string) => VaultIdentity | undefined;
  #stopped = false;
  /** Cancels backoff, delay and reorder sleeps on stop. */
  readonly #abort = new AbortController();

  constructor(options: {
    clock: Clock;
    vaultLookup: (name: string) => VaultIdentity | undefined;
    random?: () => number;
    retry?: DeliveryRetryOptions;
  }) {
    this.#clock = options.clock;
    this.#vaultLookup = options.vaultLookup;
    this.#random = options.random ?? Math.random;
    this.#retryDefaults = options.retry ?? {};
  }

  /**
   * Creates a subscription. A webhook must pass the validation handshake (else
   * WebhookValidationError); an Event Hub or Service Bus queue must exist. Nothing is
   * subscribed when the check fails.
   */
  async subscribe(options: WebhookSubscriptionOptions): Promise<void> {
    const subscription = resolveSubscription(options, this.#retryDefaults);
    const vault = this.#vaultLookup(subscription.vault);
    if (!vault)
      throw new RangeError(
        `eventGrid subscription ${subscription.name}: unknown vault ${subscription.vault}`,
      );
    if (this.#subscriptions.has(subscription.name.toLowerCase())) {
      throw new RangeError(`eventGrid subscription ${subscription.name} already exists`);
    }
    if (subscription.endpoint !== undefined) {
      await validateWebhook(subscription, vaultTopic(vault), this.#clock.now(), this.#abort.signal);
    } else {
      const destination = new MessagingDestination({
        subscriptionName: subscription.name,
        schema: subscription.schema,
        ...(subscription.eventHub ? { eventHub: subscription.eventHub } : {}),
        ...(subscription.serviceBusQueue ? { serviceBusQueue: subscription.serviceBusQueue } : {}),
        payloadStyle: subscription.payloadStyle,
      });
      try {
        await destination.validate();
      } catch (error) {
        await destination.close();
        throw new RangeError(
          `eventGrid subscription ${subscription.name}: destination unreachable: ${(error as Error).message}`,
          { cause: error },
        );
      }
      this.#messaging.set(subscription.name.toLowerCase(), destination);
    }
    this.#subscriptions.set(subscription.name.toLowerCase(), subscription);
  }

  /** Removes a subscription; events already in flight still complete. */
  unsubscribe(name: string): boolean {
    const destination = this.#messaging.get(name.toLowerCase());
    if (destination) {
      this.#messaging.delete(name.toLowerCase());
      // Close once the deliveries already under way are done with it.
      void this.idle().then(() => destination.close());
    }
    return this.#subscriptions.delete(name.toLowerCase());
  }

  /** Every delivery attempt so far, in order. */
  attempts(): readonly DeliveryAttempt[] {
    return [...this.#attempts];
  }

  /**
   * Every event given up on so far (retries exhausted, time to live over, or a status Event
   * Grid never retries), whether or not its subscription has a dead-letter destination (Azure
   * drops those without one).
   */
  deadLetters(): readonly DeadLetteredEvent[] {
    return [...this.#deadLetters];
  }

  /** Resolves when no delivery (including retries and held reorder buffers) is pending. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** VaultEventSink: Key Vault publishes `…NewVersionCreated` for every new version. */
  newVersion(vault: VaultIdentity, event: NewVersionEvent): void {
    this.publish(vault, `Microsoft.KeyVault.${event.objectType}NewVersionCreated`, event);
  }

  /** Publishes one Key Vault event to every matching subscription of the vault. */
  publish(vault: VaultIdentity, eventType: KeyVaultEventType, object: PublishedObject): void {
    if (this.#stopped) return;
    const event = createKeyVaultEvent(
      vault,
      eventType,
      {
        Id: object.id,
        VaultName: vault.name,
        ObjectType: object.objectType,
        ObjectName: object.name,
        Version: object.version,
        NBF: object.notBeforeMs === undefined ? null : toUnixSeconds(object.notBeforeMs),
        EXP: object.expiresMs === undefined ? null : toUnixSeconds(object.expiresMs),
      },
      this.#clock.now(),
    );
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.vault.toLowerCase() !== vault.name.toLowerCase()) continue;
      if (subscription.includedEventTypes && !subscription.includedEventTypes.includes(eventType))
        continue;
      this.#schedule(subscription, event);
    }
  }

  #schedule(subscription: ResolvedSubscription, event: KeyVaultEvent): void {
    const copies = this.#random() < subscription.chaos.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      if (subscription.chaos.reorderWindowMs !== undefined) this.#hold(subscription, event);
      else this.#track(this.#deliver(subscription, event));
    }
  }

  /** Holds events for the reorder window, then releases the burst newest first. */
  #hold(subscription: ResolvedSubscription, event: KeyVaultEvent): void {
    const buffer = this.#reorderBuffers.get(subscription.name);
    if (buffer) {
      buffer.push(event);
      return;
    }
    const fresh = [event];
    this.#reorderBuffers.set(subscription.name, fresh);
    this.#track(
      (async () => {
        await this.#sleep(subscription.chaos.reorderWindowMs ?? 0);
        this.#reorderBuffers.delete(subscription.name);
        for (const held of fresh.reverse()) await this.#deliver(subscription, held);
      })(),
    );
  }

  #track(delivery: Promise<void>): void {
    this.#inFlight.add(delivery);
    // Deliveries never reject (failures are recorded as attempts); an abort on stop ends them.
    void delivery.catch(() => undefined).finally(() => this.#inFlight.delete(delivery));
  }

  /**
   * At-least-once delivery on the documented retry schedule (scaled): success is 200–204 only;
   * a status Event Grid never retries, the last allowed attempt, or a next retry past the time
   * to live ends in the dead-letter destination. The time to live is counted in scheduled
   * delay, so it does not depend on the (possibly manual) clock.
   */
  async #deliver(subscription: ResolvedSubscription, event: KeyVaultEvent): Promise<void> {
    if (subscription.chaos.delayMs > 0) await this.#sleep(subscription.chaos.delayMs);
    const { maxAttempts, eventTimeToLiveMinutes, scheduleScale, maxDelayMs } = subscription.retry;
    const ttlMs = eventTimeToLiveMinutes * 60_000 * scheduleScale;
    const destination = this.#messaging.has(subscription.name.toLowerCase())
      ? 'resource'
      : 'webhook';
    let scheduledMs = 0;
    let status = 0;
    let lastAttemptAt = this.#clock.now();
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      if (this.#stopped) return;
      if (attempt > 0) {
        const delay = Math.min(documentedRetryDelayMs(attempt, scheduleScale), maxDelayMs);
        if (scheduledMs + delay > ttlMs)
          return this.#deadLetter(
            subscription,
            event,
            'TimeToLiveExceeded',
            attempt,
            status,
            lastAttemptAt,
          );
        scheduledMs += delay;
        await this.#sleep(delay);
      }
      const messaging = this.#messaging.get(subscription.name.toLowerCase());
      status = messaging
        ? await messaging.deliver(event, attempt)
        : await deliverOnce(subscription, event, attempt, this.#abort.signal);
      lastAttemptAt = this.#clock.now();
      this.#attempts.push({
        subscription: subscription.name,
        eventId: event.id,
        eventType: event.eventType,
        deliveryCount: attempt,
        status,
      });
      if (isDelivered(status)) return;
      if (isNotRetried(status, destination))
        return this.#deadLetter(
          subscription,
          event,
          'UndeliverableDueToClientError',
          attempt + 1,
          status,
          lastAttemptAt,
        );
    }
    if (!this.#stopped)
      await this.#deadLetter(
        subscription,
        event,
        'MaxDeliveryAttemptsExceeded',
        maxAttempts,
        status,
        lastAttemptAt,
      );
  }

  async #deadLetter(
    subscription: ResolvedSubscription,
    event: KeyVaultEvent,
    reason: DeadLetterReason,
    attempts: number,
    lastStatus: number,
    lastAttemptAt: number,
  ): Promise<void> {
    this.#deadLetters.push(
      await deadLetter(subscription, event, {
        reason,
        attempts,
        lastStatus,
        lastAttemptAt,
        nowMs: this.#clock.now(),
      }),
    );
  }

  async #sleep(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal });
  }

  /** Stops publishing and retrying: pending retries are dropped, calls on the wire aborted. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await this.idle();
    await Promise.allSettled([...this.#messaging.values()].map((d) => d.close()));
    this.#messaging.clear();
  }
}
