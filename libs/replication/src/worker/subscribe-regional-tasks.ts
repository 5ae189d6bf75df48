import {
  reject,
  type HandlerContext,
  type HandlerResult,
  type Subscriber,
  type Subscription,
} from '@akv-replicator/bus';
import type { Envelope } from '@akv-replicator/core';
import type { ConvergeTaskType } from './converge-task-handler';

export interface RegionalTaskSubscription<T extends ConvergeTaskType> {
  readonly topic: string;
  /** The one message type the topic carries; anything else is dead-lettered as unexpected. */
  readonly type: T;
  /** One subscription per region (DESIGN principle 6), routed by the region as routing key. */
  readonly regions: readonly string[];
  readonly subscriptionFor: (region: string) => string;
  readonly concurrency: number;
  readonly maxDeliveries: number;
}

/** Subscribes `handle` to the task lane of every region this worker pool serves. */
export async function subscribeRegionalTasks<T extends ConvergeTaskType>(
  bus: Subscriber,
  options: RegionalTaskSubscription<T>,
  handle: (envelope: Envelope<T>, context: HandlerContext) => Promise<HandlerResult>,
): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  for (const region of options.regions) {
    subscriptions.push(
      await bus.subscribe(
        options.topic,
        {
          subscription: options.subscriptionFor(region),
          routingKeys: [region],
          concurrency: options.concurrency,
          maxDeliveries: options.maxDeliveries,
        },
        async (envelope, context) =>
          envelope.type === options.type
            ? handle(envelope as Envelope<T>, context)
            : reject(`unexpected ${envelope.type} on ${options.topic}`),
      ),
    );
  }
  return subscriptions;
}
