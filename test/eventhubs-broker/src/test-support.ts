/**
 * Test helpers shared by this package's tests: a target (this broker, or the official emulator
 * where Docker runs) and event collection through the unmodified `@azure/event-hubs` clients.
 */
import { randomUUID } from 'node:crypto';
import type {
  Checkpoint,
  CheckpointStore,
  EventHubConsumerClient,
  PartitionOwnership,
  EventPosition,
  PartitionContext,
  ReceivedEventData,
  Subscription,
} from '@azure/event-hubs';

/** What a scenario needs from whichever broker it runs against. */
export interface EventHubsTarget {
  readonly name: string;
  connectionString(hubName: string): string;
  /** Abrupt connection loss keeping events, or undefined where the target cannot do it. */
  readonly restart: (() => Promise<void>) | undefined;
}

/** Hub names the scenarios use; the emulator must be configured with the same topology. */
export const SCENARIO_HUBS = [
  { name: 'orders', partitionCount: 2, consumerGroups: ['audit'] },
  { name: 'balanced', partitionCount: 4 },
  { name: 'takeover', partitionCount: 1 },
  { name: 'restart', partitionCount: 2 },
] as const;

export interface Collected {
  readonly events: ReceivedEventData[];
  /** The partition each event was read from. */
  readonly partitionOf: Map<ReceivedEventData, string>;
  readonly subscription: Subscription;
  /** Resolves once at least `count` events arrived (rejects after `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<ReceivedEventData[]>;
  readonly errors: Error[];
  /**
   * Resolves at the first processEvents call, empty or not: the SDK makes it only after the
   * partition's link is attached, so from then on a "latest" reader sees every new event.
   */
  readonly attached: Promise<void>;
}

/** Subscribes to one partition (or all) and gathers every event delivered. */
export function collect(
  consumer: EventHubConsumerClient,
  partitionId: string | undefined,
  startPosition: EventPosition | Record<string, EventPosition>,
): Collected {
  const events: ReceivedEventData[] = [];
  const partitionOf = new Map<ReceivedEventData, string>();
  const errors: Error[] = [];
  const waiters = new Set<() => void>();
  let markAttached!: () => void;
  const attached = new Promise<void>((resolve) => (markAttached = resolve));
  const handlers = {
    processEvents: async (batch: ReceivedEventData[], context: PartitionContext): Promise<void> => {
      markAttached();
      events.push(...batch);
      for (const event of batch) partitionOf.set(event, context.partitionId);
      for (const wake of [...waiters]) wake();
    },
    processError: async (error: Error): Promise<void> => {
      errors.push(error);
    },
  };
  const options = { startPosition, maxWaitTimeInSeconds: 0.2, maxBatchSize: 50 };
  const subscription =
    partitionId === undefined
      ? consumer.subscribe(handlers, options)
      : consumer.subscribe(partitionId, handlers, options);
  return {
    events,
    partitionOf,
    errors,
    attached,
    subscription,
    until: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(events.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `expected ${count} events, got ${events.length} (errors: ${errors.map((e) => e.message).join('; ')})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

export const bodies = (events: readonly ReceivedEventData[]): unknown[] =>
  events.map((e) => e.body);

/**
 * A checkpoint store in memory with the blob store's optimistic concurrency (a claim succeeds only
 * with the current etag), since `@azure/event-hubs` does not export its own.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly ownerships = new Map<string, PartitionOwnership>();
  private readonly checkpoints = new Map<string, Checkpoint>();

  async listOwnership(ns: string, hub: string, group: string): Promise<PartitionOwnership[]> {
    const prefix = scope(ns, hub, group);
    return [...this.ownerships.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, ownership]) => ({ ...ownership }));
  }

  async claimOwnership(claims: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const claimed: PartitionOwnership[] = [];
    for (const claim of claims) {
      const key =
        scope(claim.fullyQualifiedNamespace, claim.eventHubName, claim.consumerGroup) +
        claim.partitionId;
      const current = this.ownerships.get(key);
      if (current && current.etag !== claim.etag) continue;
      const next = { ...claim, etag: randomUUID(), lastModifiedTimeInMs: Date.now() };
      this.ownerships.set(key, next);
      claimed.push({ ...next });
    }
    return claimed;
  }

  async updateCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const key = scope(
      checkpoint.fullyQualifiedNamespace,
      checkpoint.eventHubName,
      checkpoint.consumerGroup,
    );
    this.checkpoints.set(key + checkpoint.partitionId, { ...checkpoint });
  }

  async listCheckpoints(ns: string, hub: string, group: string): Promise<Checkpoint[]> {
    const prefix = scope(ns, hub, group);
    return [...this.checkpoints.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, checkpoint]) => ({ ...checkpoint }));
  }

  /** Current owner of each partition (for assertions). */
  owners(): Map<string, string> {
    return new Map([...this.ownerships.values()].map((o) => [o.partitionId, o.ownerId]));
  }
}

function scope(ns: string, hub: string, group: string): string {
  return `${ns}\n${hub}\n${group.toLowerCase()}\n`;
}
