import Long from 'long';
import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { DeadLetter, DeadLetterQuery } from '@akv-replicator/bus';
import { DEFAULT_DEAD_LETTER_LIST_LIMIT } from '@akv-replicator/bus';
import { isLaneOf } from './lane-naming';
import { bodyBytes, deliveryCountOf, routingKeyOf, userProperties } from './message-codec';
import { PROPERTY } from './property-names';
import type { TopologyProvisioner } from './topology';

/**
 * Reads a topic's dead letters by peeking the `$DeadLetterQueue` of every lane subscription
 * (nothing is locked or removed), oldest first.
 */
export async function listDeadLetters(
  client: ServiceBusClient,
  provisioner: TopologyProvisioner,
  topic: string,
  query: DeadLetterQuery,
): Promise<readonly DeadLetter[]> {
  const limit = query.limit ?? DEFAULT_DEAD_LETTER_LIST_LIMIT;
  const lanes = (await provisioner.listSubscriptions(topic)).filter(
    (name) => query.subscription === undefined || isLaneOf(name, query.subscription),
  );
  const letters: DeadLetter[] = [];
  for (const lane of lanes) {
    const receiver = client.createReceiver(topic, lane, {
      subQueueType: 'deadLetter',
      skipParsingBodyAsJson: true,
    });
    try {
      // From the start every time: the SDK would otherwise continue after the last peek.
      const peeked = await receiver.peekMessages(limit, { fromSequenceNumber: Long.fromNumber(0) });
      letters.push(...peeked.map((message) => toDeadLetter(message, topic, lane)));
    } finally {
      await receiver.close();
    }
  }
  return letters.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit);
}

function toDeadLetter(message: ServiceBusReceivedMessage, topic: string, lane: string): DeadLetter {
  const props = message.applicationProperties ?? {};
  const counted = Number(props[PROPERTY.deliveryCount]);
  const envelopeId = props[PROPERTY.envelopeId];
  const at = props[PROPERTY.deadLetteredAt];
  return Object.freeze({
    topic,
    subscription: lane.split('.')[0]!.split('~')[0]!,
    // Dead-lettered by Service Bus itself (e.g. MaxDeliveryCountExceeded) when ours are absent.
    reason: message.deadLetterReason ?? '',
    deliveryCount: Number.isFinite(counted) ? counted : deliveryCountOf(message),
    body: bodyBytes(message),
    envelopeId: typeof envelopeId === 'string' ? envelopeId : undefined,
    routingKey: routingKeyOf(message),
    properties: userProperties(message),
    at: typeof at === 'string' ? at : (message.enqueuedTimeUtc ?? new Date()).toISOString(),
  });
}
