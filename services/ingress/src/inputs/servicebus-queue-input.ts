import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import type { TokenCredential } from '@azure/core-auth';
import { SettlementQueue } from '@akv-replicator/bus-servicebus/settlement-queue';
import { silentLogger, type Logger } from '@akv-replicator/core';
import { parseMessageBody } from '../eventgrid/parse-delivery';
import { traceparentOf, type EventIntake } from '../intake/event-intake';
import { InFlightWork } from './in-flight-work';
import type { IngressInput } from './ingress-input';

/** Messages handled at once; Event Grid events are small and the bus publish is the wait. */
export const DEFAULT_QUEUE_CONCURRENCY = 8;
/** How long stop() waits for in-flight messages before closing anyway (they are redelivered). */
export const DEFAULT_QUEUE_DRAIN_TIMEOUT_MS = 30_000;
/** The dead-letter reason of a message whose body is not a valid Key Vault event delivery. */
export const MALFORMED_EVENT_REASON = 'MalformedEventGridDelivery';

export type QueueConnection =
  | { readonly connectionString: string }
  | { readonly fullyQualifiedNamespace: string; readonly credential: TokenCredential };

export interface ServiceBusQueueInputOptions {
  readonly connection: QueueConnection;
  readonly queueName: string;
  readonly intake: EventIntake;
  readonly logger?: Logger;
  /** Default DEFAULT_QUEUE_CONCURRENCY. */
  readonly concurrency?: number;
  /** Default DEFAULT_QUEUE_DRAIN_TIMEOUT_MS. */
  readonly drainTimeoutMs?: number;
}

/**
 * Pulls Event Grid deliveries from a Service Bus queue in peek-lock mode. A message is
 * completed only once its events are on the bus; a bus failure abandons it (Service Bus
 * redelivers, and dead-letters after the queue's max delivery count); a malformed body is
 * dead-lettered at once with a reason and a description naming fields, never values.
 */
export class ServiceBusQueueInput implements IngressInput {
  readonly name: string;
  readonly #options: ServiceBusQueueInputOptions;
  readonly #log: Logger;
  readonly #inFlight = new InFlightWork();
  #client: ServiceBusClient | undefined;
  #receiver: ServiceBusReceiver | undefined;
  #subscription: { close(): Promise<void> } | undefined;
  #stopping: Promise<void> | undefined;
  readonly #settlements = new SettlementQueue();

  constructor(options: ServiceBusQueueInputOptions) {
    this.#options = options;
    this.name = `servicebus-queue:${options.queueName}`;
    this.#log = (options.logger ?? silentLogger).child({ input: this.name });
  }

  async start(): Promise<void> {
    const connection = this.#options.connection;
    this.#client =
      'connectionString' in connection
        ? new ServiceBusClient(connection.connectionString)
        : new ServiceBusClient(connection.fullyQualifiedNamespace, connection.credential);
    this.#receiver = this.#client.createReceiver(this.#options.queueName, {
      receiveMode: 'peekLock',
      // No lock renewal: a publish takes milliseconds, and a lock that lapses only means a
      // redelivery the bus de-duplicates. The SDK's renewer also fails on messages without a
      // message id, which any sender besides Event Grid may send.
      maxAutoLockRenewalDurationInMs: 0,
    });
    this.#subscription = this.#receiver.subscribe(
      {
        processMessage: (message) => this.#inFlight.track(this.#handle(message)),
        processError: async (args) => {
          this.#log.warn('service bus queue receive error', {
            source: args.errorSource,
            error: args.error.message,
          });
        },
      },
      {
        autoCompleteMessages: false,
        maxConcurrentCalls: this.#options.concurrency ?? DEFAULT_QUEUE_CONCURRENCY,
      },
    );
    this.#log.info('service bus queue input started', { queue: this.#options.queueName });
  }

  /** Stops receiving, lets in-flight messages finish (up to the drain timeout), closes. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#subscription?.close();
      const timeoutMs = this.#options.drainTimeoutMs ?? DEFAULT_QUEUE_DRAIN_TIMEOUT_MS;
      if (!(await this.#inFlight.drain(timeoutMs)))
        this.#log.warn('service bus queue input stopped with messages in flight', {
          inFlight: this.#inFlight.size,
        });
      await this.#receiver?.close();
      await this.#client?.close();
      this.#log.info('service bus queue input stopped', { queue: this.#options.queueName });
    })();
    return this.#stopping;
  }

  /**
   * Settlements go through the transport's SettlementQueue: rhea writes one tick's dispositions
   * as ranges with the first one's outcome, so a complete beside an abandon or a dead-letter
   * would settle both alike (see libs/bus-servicebus settlement-queue.ts). Completes still share
   * ticks. A failed settlement never reaches the SDK: it would abandon the message itself,
   * outside the queue. The lock lapses instead and the message returns.
   */
  #settle(key: 'complete' | 'abandon' | undefined, settlement: () => Promise<void>): Promise<void> {
    return this.#settlements.run(key, settlement).catch((error: unknown) =>
      this.#log.warn('settlement failed; the message is redelivered when its lock lapses', {
        error: (error as Error).message,
      }),
    );
  }

  async #handle(message: ServiceBusReceivedMessage): Promise<void> {
    const receiver = this.#receiver!;
    const traceparent = traceparentOf(message.applicationProperties?.['traceparent']);
    let outcome;
    try {
      outcome = await this.#options.intake.accept(parseMessageBody(message.body), {
        input: 'servicebus-queue',
        ...(traceparent ? { traceparent } : {}),
      });
    } catch (error) {
      this.#log.warn('bus publish failed, message abandoned for redelivery', {
        messageId: String(message.messageId ?? ''),
        deliveryCount: message.deliveryCount,
        error: (error as Error).message,
      });
      await this.#settle('abandon', () => receiver.abandonMessage(message));
      return;
    }
    if (outcome.kind === 'accepted') {
      await this.#settle('complete', () => receiver.completeMessage(message));
      return;
    }
    const description =
      outcome.kind === 'invalid' ? outcome.reasons.join('; ') : 'subscription validation event';
    this.#log.warn('malformed event delivery dead-lettered', {
      messageId: String(message.messageId ?? ''),
      reason: description,
    });
    // A dead-letter's reason is part of its state: it settles alone.
    await this.#settle(undefined, () =>
      receiver.deadLetterMessage(message, {
        deadLetterReason: MALFORMED_EVENT_REASON,
        // Service Bus caps the description at 4,096 characters.
        deadLetterErrorDescription: description.slice(0, 4000),
      }),
    );
  }
}
