import { encodeEnvelope } from '@akv-replicator/core';
import type { DeadLetter, DeadLetterQuery, PublishReceipt } from '../port/bus';
import type { PublishCall } from '../port/interceptors';
import type { ResolvedSubscribeOptions } from '../port/options';
import type { BusOptions, RunnerFactory } from '../runtime/bus-base';
import { BusBase } from '../runtime/bus-base';
import type { Lane } from '../runtime/lane-subscription';
import type { MemoryBroker } from './memory-broker';
import type { MemoryLane } from './memory-lane';
import type { DeliveryRunner } from '../runtime/delivery-runner';

export type MemoryBusOptions = BusOptions;

/**
 * A bus client of an in-process MemoryBroker: the embedded single-process default. Full
 * semantics: durable competing consumers, leases, delayed redelivery, dead letters, dedup.
 */
export class MemoryBus extends BusBase {
  readonly transport = 'memory';

  constructor(
    readonly broker: MemoryBroker,
    options: MemoryBusOptions = {},
    private readonly ownsBroker = false,
  ) {
    super(options);
  }

  deadLetters(topic: string, query?: DeadLetterQuery): Promise<readonly DeadLetter[]> {
    return Promise.resolve(this.broker.deadLetters(topic, query));
  }

  protected sendEnvelope(call: PublishCall): Promise<PublishReceipt> {
    return Promise.resolve(
      this.broker.publishRaw(call.topic, encodeEnvelope(call.envelope), {
        id: call.envelope.id,
        ...call.options,
      }),
    );
  }

  protected openLanes(
    topic: string,
    options: ResolvedSubscribeOptions,
    createRunner: RunnerFactory,
  ): Promise<Lane[]> {
    const keys = options.routingKeys ?? [undefined];
    return Promise.resolve(
      keys.map((key) =>
        startLane(
          this.broker.topic(topic).lane(options.subscription, key),
          createRunner(),
          options.ackWaitMs,
        ),
      ),
    );
  }

  protected shutdown(): Promise<void> {
    if (this.ownsBroker) this.broker.dispose();
    return Promise.resolve();
  }
}

// The consumer loop: take a slot, take a message, run it; stop() cancels the pending take.
function startLane(lane: MemoryLane, runner: DeliveryRunner, ackWaitMs: number): Lane {
  let stopped = false;
  let cancelTake: (() => void) | undefined;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      await runner.slots.acquire();
      if (stopped) break;
      const take = lane.take();
      cancelTake = take.cancel;
      const entry = await take.next;
      cancelTake = undefined;
      if (!entry) break;
      if (stopped) {
        lane.giveBack(entry);
        break;
      }
      runner.run(lane.deliver(entry, ackWaitMs));
    }
    runner.slots.release();
  };
  const running = loop();
  return {
    runner,
    stop: () => {
      stopped = true;
      cancelTake?.();
    },
    // Not awaiting the loop: it may wait for a slot held by an abandoned handler.
    detach: () => {
      void running;
      return Promise.resolve();
    },
    backlog: () => lane.waiting,
  };
}
