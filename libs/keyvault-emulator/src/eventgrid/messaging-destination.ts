import { EventHubProducerClient } from '@azure/event-hubs';
import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import { toCloudEvent, toEventGridSchema, type KeyVaultEvent } from './event-shapes';
import type { EventDeliverySchema, KeyVaultPayloadStyle } from './subscription-options';

/** An Event Hub destination (`endpointType: EventHub`): one event per Event Hubs event. */
export interface EventHubDestination {
  readonly connectionString: string;
  readonly eventHubName: string;
}

/** A Service Bus queue destination (`endpointType: ServiceBusQueue`): one event per message. */
export interface ServiceBusQueueDestination {
  readonly connectionString: string;
  readonly queueName: string;
}

/**
 * Sends Event Grid deliveries into Azure messaging as Event Grid does: one event per message,
 * the body the event alone (EventGrid schema or a structured CloudEvent), the `aeg-*` delivery
 * headers as application properties, and on Service Bus the event id as message id (so
 * duplicate detection applies). Uses the unmodified producer / sender SDKs.
 */
export class MessagingDestination {
  readonly #subscriptionName: string;
  readonly #schema: EventDeliverySchema;
  readonly #payloadStyle: KeyVaultPayloadStyle | undefined;
  readonly #eventHub: EventHubDestination | undefined;
  readonly #queue: ServiceBusQueueDestination | undefined;
  #producer: EventHubProducerClient | undefined;
  #serviceBus: ServiceBusClient | undefined;
  #sender: ServiceBusSender | undefined;

  constructor(options: {
    subscriptionName: string;
    schema: EventDeliverySchema;
    eventHub?: EventHubDestination;
    serviceBusQueue?: ServiceBusQueueDestination;
    payloadStyle?: KeyVaultPayloadStyle;
  }) {
    this.#subscriptionName = options.subscriptionName;
    this.#schema = options.schema;
    this.#payloadStyle = options.payloadStyle;
    this.#eventHub = options.eventHub;
    this.#queue = options.serviceBusQueue;
    if ((this.#eventHub === undefined) === (this.#queue === undefined))
      throw new RangeError(
        `eventGrid subscription ${options.subscriptionName}: exactly one destination`,
      );
  }

  /** Checks the destination exists, as Azure does when the subscription is created. */
  async validate(): Promise<void> {
    if (this.#eventHub) await this.#producerClient().getEventHubProperties();
    else await this.#queueSender().createMessageBatch();
  }

  /** One delivery attempt; resolves to 200 when the broker accepted it, 0 otherwise. */
  async deliver(event: KeyVaultEvent, deliveryCount: number): Promise<number> {
    const cloud = this.#schema === 'CloudEventSchemaV1_0';
    const body = cloud
      ? toCloudEvent(event, this.#payloadStyle)
      : toEventGridSchema(event, this.#payloadStyle);
    const contentType = cloud
      ? 'application/cloudevents+json; charset=utf-8'
      : 'application/json; charset=utf-8';
    const properties = {
      'aeg-subscription-name': this.#subscriptionName.toUpperCase(),
      'aeg-delivery-count': String(deliveryCount),
      'aeg-event-type': 'Notification',
      'aeg-metadata-version': cloud ? '1.0' : '1',
      'aeg-data-version': '1',
      'aeg-output-event-id': event.id,
    };
    try {
      if (this.#eventHub) {
        await this.#producerClient().sendBatch([{ body, contentType, properties }]);
      } else {
        await this.#queueSender().sendMessages({
          body,
          contentType,
          messageId: event.id,
          applicationProperties: properties,
        });
      }
      return 200;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    await this.#producer?.close();
    await this.#sender?.close();
    await this.#serviceBus?.close();
  }

  #producerClient(): EventHubProducerClient {
    const hub = this.#eventHub!;
    this.#producer ??= new EventHubProducerClient(hub.connectionString, hub.eventHubName, {
      // Event Grid retries by itself, with its own backoff: fail fast here.
      retryOptions: { maxRetries: 0, timeoutInMs: 10_000 },
    });
    return this.#producer;
  }

  #queueSender(): ServiceBusSender {
    const queue = this.#queue!;
    this.#serviceBus ??= new ServiceBusClient(queue.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 10_000 },
    });
    this.#sender ??= this.#serviceBus.createSender(queue.queueName);
    return this.#sender;
  }
}
