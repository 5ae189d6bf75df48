import { randomUUID } from 'node:crypto';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { encodeEnvelope, isReplicatorError } from '@akv-replicator/core';
import type {
  DeadLetter,
  DeadLetterQuery,
  PublishReceipt,
  ResolvedSubscribeOptions,
} from '@akv-replicator/bus';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVERIES } from '@akv-replicator/bus';
import {
  BusBase,
  OncePerKey,
  checkBusName,
  publishWithRetry,
  type Lane,
  type PublishCall,
  type RunnerFactory,
} from './bus-runtime';
import { listDeadLetters } from './dead-letters';
import { translateServiceBusError } from './errors';
import { laneSqlFilter, laneSubscriptionName } from './lane-naming';
import { toServiceBusMessage, type OutgoingMessage } from './message-codec';
import { RecentIds } from './recent-ids';
import { startServiceBusLane } from './servicebus-lane';
import type { DeclaredSubscription, ResolvedServiceBusBusOptions } from './servicebus-options';
import type { TopologyProvisioner } from './topology';

/**
 * The bus on Azure Service Bus: a topic per bus topic (duplicate detection on the envelope id),
 * a subscription per lane with a SQL rule on the routing key, peek-lock settlement (complete /
 * scheduled copy + complete for retry-with-delay / dead-letter with reason), automatic lock
 * renewal while handlers run.
 */
export class ServiceBusBus extends BusBase {
  readonly transport = 'servicebus';
  readonly #topics = new OncePerKey();
  readonly #senders = new Map<string, ServiceBusSender>();
  readonly #recentIds: RecentIds;

  constructor(
    readonly client: ServiceBusClient,
    private readonly provisioner: TopologyProvisioner,
    private readonly options: ResolvedServiceBusBusOptions,
    private readonly ownsClient: boolean,
  ) {
    super(options);
    this.#recentIds = new RecentIds(options.dedupWindowMs);
  }

  /** Creates the topic and its declared subscriptions now (idempotent; services call it at start). */
  ensureTopic(topic: string): Promise<void> {
    checkBusName('topic', topic);
    return this.#topics.run(topic, () => this.#provisionTopic(topic));
  }

  /** Publishes bytes as they are (no envelope validation): foreign producers, tests. */
  async publishRaw(
    topic: string,
    body: Uint8Array,
    options: { id?: string; routingKey?: string } = {},
  ): Promise<PublishReceipt> {
    if (options.routingKey !== undefined) checkBusName('routingKey', options.routingKey);
    await this.ensureTopic(topic);
    // The SDK's lock renewal and settlement need a message id; foreign bytes get a fresh one.
    return this.#send(topic, {
      id: options.id ?? randomUUID(),
      body,
      ...(options.routingKey ? { routingKey: options.routingKey } : {}),
    });
  }

  deadLetters(topic: string, query: DeadLetterQuery = {}): Promise<readonly DeadLetter[]> {
    return listDeadLetters(this.client, this.provisioner, topic, query).catch((error: unknown) => {
      throw translateServiceBusError(error, { operation: 'list dead letters', topic });
    });
  }

  protected async sendEnvelope(call: PublishCall): Promise<PublishReceipt> {
    await this.ensureTopic(call.topic);
    const { envelope, options } = call;
    return this.#send(call.topic, {
      id: envelope.id,
      body: encodeEnvelope(envelope),
      type: envelope.type,
      ...(options.routingKey !== undefined ? { routingKey: options.routingKey } : {}),
      ...(options.properties !== undefined ? { properties: options.properties } : {}),
      trace: {
        ...(envelope.traceparent !== undefined ? { traceparent: envelope.traceparent } : {}),
        ...(envelope.tracestate !== undefined ? { tracestate: envelope.tracestate } : {}),
      },
    });
  }

  protected async openLanes(
    topic: string,
    options: ResolvedSubscribeOptions,
    createRunner: RunnerFactory,
  ): Promise<Lane[]> {
    await this.ensureTopic(topic);
    const keys = options.routingKeys ?? [undefined];
    for (const key of keys) await this.#provisionLane(topic, options, key);
    return keys.map((key) =>
      startServiceBusLane(createRunner(), {
        client: this.client,
        sender: this.#sender(topic),
        topic,
        subscription: options.subscription,
        laneName: laneSubscriptionName(options.subscription, key),
        maxLockRenewalMs: this.options.maxLockRenewalMs,
        onError: this.options.onError ?? (() => undefined),
      }),
    );
  }

  protected async shutdown(): Promise<void> {
    await Promise.allSettled([...this.#senders.values()].map((sender) => sender.close()));
    if (this.ownsClient) await this.client.close().catch(() => undefined);
  }

  async #provisionTopic(topic: string): Promise<void> {
    try {
      await this.provisioner.ensureTopic({
        topic,
        duplicateDetectionWindowMs: this.options.dedupWindowMs,
      });
      for (const declared of this.options.declaredSubscriptions?.(topic) ?? []) {
        const keys = declared.routingKeys ?? [undefined];
        for (const key of keys) await this.#provisionLane(topic, declaredOptions(declared), key);
      }
    } catch (error) {
      throw translateServiceBusError(error, { operation: 'provision topic', topic });
    }
  }

  async #provisionLane(
    topic: string,
    options: Pick<ResolvedSubscribeOptions, 'subscription' | 'maxDeliveries' | 'ackWaitMs'>,
    routingKey: string | undefined,
  ): Promise<void> {
    const name = laneSubscriptionName(options.subscription, routingKey);
    try {
      await this.provisioner.ensureSubscription({
        topic,
        name,
        routingKey,
        sqlFilter: laneSqlFilter(name, routingKey),
        lockDurationMs: Math.max(this.options.minLockDurationMs, options.ackWaitMs),
        // One more than the consumer's limit: the runner dead-letters first, with its reason.
        maxDeliveryCount: options.maxDeliveries + 1,
      });
    } catch (error) {
      throw translateServiceBusError(error, {
        operation: 'provision subscription',
        topic,
        subscription: name,
      });
    }
  }

  #sender(topic: string): ServiceBusSender {
    let sender = this.#senders.get(topic);
    if (!sender) {
      sender = this.client.createSender(topic);
      this.#senders.set(topic, sender);
    }
    return sender;
  }

  /**
   * Sends until the broker accepts, retrying retryable failures (a restarting broker) until the
   * publish timeout (the bus's shared publishWithRetry); other failures are thrown at once.
   */
  #send(topic: string, message: OutgoingMessage): Promise<PublishReceipt> {
    const sbMessage = toServiceBusMessage(message);
    return publishWithRetry(
      async () => {
        try {
          await this.#sender(topic).sendMessages(sbMessage);
        } catch (error) {
          throw translateServiceBusError(error, { operation: 'publish', topic });
        }
        // Service Bus drops a duplicate silently; this process can still tell its own repeats.
        return { duplicate: message.id !== undefined && this.#recentIds.seen(message.id) };
      },
      {
        topic,
        id: message.id ?? '(no id)',
        timeoutMs: this.options.publishTimeoutMs,
        isClosing: () => this.isClosing,
        isRetryable: (error) => isReplicatorError(error) && error.retryable,
      },
    );
  }
}

function declaredOptions(
  declared: DeclaredSubscription,
): Pick<ResolvedSubscribeOptions, 'subscription' | 'maxDeliveries' | 'ackWaitMs'> {
  return {
    subscription: checkBusName('declaredSubscriptions.subscription', declared.subscription),
    maxDeliveries: declared.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
    ackWaitMs: declared.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
  };
}
