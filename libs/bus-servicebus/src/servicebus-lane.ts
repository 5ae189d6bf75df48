/**
 * One lane = one Service Bus subscription consumed in peek-lock mode by the SDK's streaming
 * receiver (credit = the lane's concurrency), feeding the shared DeliveryRunner.
 */
import type {
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from '@azure/service-bus';
import type { BusErrorSink } from '@akv-replicator/bus';
import type { Delivery, DeliveryRunner, Lane } from './bus-runtime';
import { translateServiceBusError, type ErrorSite } from './errors';
import {
  bodyBytes,
  deliveryCountOf,
  retryCopy,
  routingKeyOf,
  traceContextOf,
  userProperties,
} from './message-codec';
import { PROPERTY } from './property-names';
import { SettlementQueue } from './settlement-queue';

/** Batch keys of the settlements that write one AMQP state whatever the message. */
const COMPLETE = 'complete';
const ABANDON = 'abandon';

/** Longest dead-letter reason kept (Service Bus limits application properties in size). */
export const MAX_DEAD_LETTER_REASON_LENGTH = 1_024;

export interface ServiceBusLaneContext {
  readonly client: ServiceBusClient;
  /** The topic's sender (retry copies are scheduled through it). */
  readonly sender: ServiceBusSender;
  readonly topic: string;
  /** The bus subscription name (what dead letters and errors report). */
  readonly subscription: string;
  /** The Service Bus subscription of this lane. */
  readonly laneName: string;
  readonly maxLockRenewalMs: number;
  readonly onError: BusErrorSink;
}

export function startServiceBusLane(runner: DeliveryRunner, context: ServiceBusLaneContext): Lane {
  const receiver = context.client.createReceiver(context.topic, context.laneName, {
    receiveMode: 'peekLock',
    skipParsingBodyAsJson: true,
    // The SDK renews the lock on its own timer while the message is unsettled (long tasks).
    maxAutoLockRenewalDurationInMs: context.maxLockRenewalMs,
  });
  const site: ErrorSite = {
    operation: 'receive',
    topic: context.topic,
    subscription: context.laneName,
  };
  // Messages handed to the runner and not settled yet → the function that frees their
  // processMessage call (the SDK adds credit when it returns).
  const unsettled = new Map<ServiceBusReceivedMessage, () => void>();
  // Every settlement on this receiver link goes through it (see settlement-queue.ts: rhea
  // would merge neighbouring dispositions of one tick into one outcome).
  const settlements = new SettlementQueue();
  let stopped = false;

  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        if (stopped) {
          await settlements
            .run(ABANDON, () => receiver.abandonMessage(message))
            .catch(() => undefined);
          return;
        }
        await runner.slots.acquire();
        await new Promise<void>((release) => {
          unsettled.set(message, release);
          runner.run(
            toDelivery(message, receiver, settlements, context, () => {
              unsettled.delete(message);
              release();
            }),
          );
        });
      },
      processError: async (args) => {
        context.onError(translateServiceBusError(args.error, site), {
          topic: context.topic,
          subscription: context.subscription,
          action: `receive (${args.errorSource})`,
        });
      },
    },
    { autoCompleteMessages: false, maxConcurrentCalls: runner.slots.capacity },
  );

  let stopping: Promise<void> | undefined;
  return {
    runner,
    stop: () => {
      stopped = true;
      // Drains the link's credit; the link stays open so in-flight messages settle on it.
      stopping ??= subscription.close().catch(() => undefined);
    },
    detach: async () => {
      stopped = true;
      stopping ??= subscription.close().catch(() => undefined);
      await stopping;
      // Handlers abandoned at the drain timeout: hand their messages back now instead of
      // letting them wait out the lock.
      await Promise.allSettled(
        [...unsettled.keys()].map((m) =>
          settlements.run(ABANDON, () => receiver.abandonMessage(m)),
        ),
      );
      for (const release of unsettled.values()) release();
      unsettled.clear();
      await receiver.close().catch(() => undefined);
    },
  };
}

function toDelivery(
  message: ServiceBusReceivedMessage,
  receiver: ServiceBusReceiver,
  settlements: SettlementQueue,
  context: ServiceBusLaneContext,
  settled: () => void,
): Delivery {
  const deliveryCount = deliveryCountOf(message);
  const site = (operation: string): ErrorSite => ({
    operation,
    topic: context.topic,
    subscription: context.laneName,
  });
  const settle = async (operation: string, action: () => Promise<unknown>): Promise<void> => {
    settled();
    try {
      await action();
    } catch (error) {
      throw translateServiceBusError(error, site(operation));
    }
  };
  return {
    body: bodyBytes(message),
    deliveryCount,
    routingKey: routingKeyOf(message),
    properties: userProperties(message),
    traceContext: traceContextOf(message),
    ack: () =>
      settle('complete', () => settlements.run(COMPLETE, () => receiver.completeMessage(message))),
    retry: (delayMs) =>
      settle('retry', async () => {
        if (delayMs <= 0) {
          // Immediate redelivery is what abandon does (and it counts the delivery).
          await settlements.run(ABANDON, () => receiver.abandonMessage(message));
          return;
        }
        // Service Bus cannot abandon with a delay: schedule a copy for this lane only, then
        // complete the original. Copy first: a crash in between duplicates, never loses.
        const at = new Date(Date.now() + delayMs);
        await context.sender.scheduleMessages(
          retryCopy(message, context.laneName, deliveryCount),
          at,
        );
        await settlements.run(COMPLETE, () => receiver.completeMessage(message));
      }),
    deadLetter: (reason, envelopeId) =>
      settle('dead-letter', () => {
        const short = reason.slice(0, MAX_DEAD_LETTER_REASON_LENGTH);
        // Alone: the reason is part of the AMQP state, so no two dead-letters share a frame.
        return settlements.run(undefined, () =>
          receiver.deadLetterMessage(message, {
            deadLetterReason: short,
            deadLetterErrorDescription: short,
            [PROPERTY.deliveryCount]: deliveryCount,
            [PROPERTY.deadLetteredAt]: new Date().toISOString(),
            ...(envelopeId !== undefined ? { [PROPERTY.envelopeId]: envelopeId } : {}),
          }),
        );
      }),
    // The SDK renews locks automatically (maxAutoLockRenewalDurationInMs); nothing to add.
    working: () => undefined,
  };
}
