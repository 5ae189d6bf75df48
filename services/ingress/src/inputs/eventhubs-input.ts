import {
  EventHubConsumerClient,
  earliestEventPosition,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/core-auth';
import { silentLogger, type Logger } from '@akv-replicator/core';
import { parseMessageBody } from '../eventgrid/parse-delivery';
import { traceparentOf, type EventIntake } from '../intake/event-intake';
import { InFlightWork } from './in-flight-work';
import type { IngressInput } from './ingress-input';

/** Events handed to one processEvents call (one checkpoint per batch). */
export const DEFAULT_EVENTHUBS_MAX_BATCH_SIZE = 100;
/** How long a partition waits to fill a batch before handing over what it has. */
export const DEFAULT_EVENTHUBS_MAX_WAIT_SECONDS = 1;
/** How long stop() waits for in-flight batches to publish and checkpoint. */
export const DEFAULT_EVENTHUBS_DRAIN_TIMEOUT_MS = 30_000;
/** Delays between attempts to publish a batch while the bus is down (the last repeats). */
export const DEFAULT_EVENTHUBS_PUBLISH_RETRY_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000];

export type EventHubConnection =
  | { readonly connectionString: string }
  | { readonly fullyQualifiedNamespace: string; readonly credential: TokenCredential };

export type CheckpointContainer =
  | { readonly connectionString: string; readonly containerName: string }
  | { readonly blobContainerUrl: string; readonly credential: TokenCredential };

export interface EventHubsInputOptions {
  readonly connection: EventHubConnection;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  /** Partition ownership and checkpoints (Azure Storage blobs, Azurite locally). */
  readonly checkpointStore: CheckpointContainer;
  readonly intake: EventIntake;
  readonly logger?: Logger;
  readonly maxBatchSize?: number;
  readonly maxWaitTimeInSeconds?: number;
  readonly drainTimeoutMs?: number;
  readonly publishRetryMs?: readonly number[];
  /**
   * How often ownership is renewed and how long a claim lives (SDK defaults 10 s and 60 s): a
   * partition of a crashed replica is taken over once its claim expires.
   */
  readonly loadBalancing?: {
    readonly updateIntervalInMs?: number;
    readonly partitionOwnershipExpirationIntervalInMs?: number;
  };
}

/**
 * Reads Event Grid deliveries from every partition of an Event Hub with a consumer group,
 * sharing partitions with the other ingress replicas through the blob checkpoint store. A
 * batch is checkpointed only after all its events are on the bus, so a crash replays (and the
 * bus de-duplicates) instead of losing. A malformed body is logged and skipped: it never
 * blocks its partition. A bus outage holds the partition and retries; nothing is skipped.
 */
export class EventHubsInput implements IngressInput {
  readonly name: string;
  readonly #options: EventHubsInputOptions;
  readonly #log: Logger;
  readonly #inFlight = new InFlightWork();
  readonly #stopSignal = new AbortController();
  #client: EventHubConsumerClient | undefined;
  #subscription: Subscription | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: EventHubsInputOptions) {
    this.#options = options;
    this.name = `eventhubs:${options.eventHubName}/${options.consumerGroup}`;
    this.#log = (options.logger ?? silentLogger).child({ input: this.name });
  }

  async start(): Promise<void> {
    const { connection, checkpointStore: store } = this.#options;
    const container =
      'connectionString' in store
        ? new ContainerClient(store.connectionString, store.containerName)
        : new ContainerClient(store.blobContainerUrl, store.credential);
    const checkpointStore = new BlobCheckpointStore(container);
    const clientOptions = {
      loadBalancingOptions: { strategy: 'balanced' as const, ...this.#options.loadBalancing },
    };
    this.#client =
      'connectionString' in connection
        ? new EventHubConsumerClient(
            this.#options.consumerGroup,
            connection.connectionString,
            this.#options.eventHubName,
            checkpointStore,
            clientOptions,
          )
        : new EventHubConsumerClient(
            this.#options.consumerGroup,
            connection.fullyQualifiedNamespace,
            this.#options.eventHubName,
            connection.credential,
            checkpointStore,
            clientOptions,
          );
    this.#subscription = this.#client.subscribe(
      {
        processEvents: (events, context) =>
          this.#inFlight.track(this.#processBatch(events, context)),
        processError: async (error, context) => {
          this.#log.warn('event hub receive error', {
            partitionId: context.partitionId,
            error: error.message,
          });
        },
        processInitialize: async (context) => {
          this.#log.info('event hub partition claimed', { partitionId: context.partitionId });
        },
        processClose: async (reason, context) => {
          this.#log.info('event hub partition released', {
            partitionId: context.partitionId,
            reason,
          });
        },
      },
      {
        // Without a checkpoint, start at the oldest retained event: events sent before the
        // first ingress ever ran are still read.
        startPosition: earliestEventPosition,
        maxBatchSize: this.#options.maxBatchSize ?? DEFAULT_EVENTHUBS_MAX_BATCH_SIZE,
        maxWaitTimeInSeconds:
          this.#options.maxWaitTimeInSeconds ?? DEFAULT_EVENTHUBS_MAX_WAIT_SECONDS,
      },
    );
    this.#log.info('event hubs input started', {
      eventHub: this.#options.eventHubName,
      consumerGroup: this.#options.consumerGroup,
    });
  }

  /**
   * Stops taking new batches, lets in-flight batches publish and checkpoint (up to the drain
   * timeout), then closes; a batch cut off is read again by whoever owns the partition next.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopSignal.abort();
      const timeoutMs = this.#options.drainTimeoutMs ?? DEFAULT_EVENTHUBS_DRAIN_TIMEOUT_MS;
      if (!(await this.#inFlight.drain(timeoutMs)))
        this.#log.warn('event hubs input stopped with batches in flight (they will be replayed)', {
          inFlight: this.#inFlight.size,
        });
      await this.#subscription?.close();
      await this.#client?.close();
      this.#log.info('event hubs input stopped', { eventHub: this.#options.eventHubName });
    })();
    return this.#stopping;
  }

  async #processBatch(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    if (events.length === 0 || this.#stopSignal.signal.aborted) return;
    for (const event of events) {
      const published = await this.#publishWithRetry(event, context);
      // Stopped while the bus was down: no checkpoint, the batch is read again later.
      if (!published) return;
    }
    await context.updateCheckpoint(events[events.length - 1]!);
  }

  /** Resolves true once the event is on the bus (or skipped as malformed), false when stopped. */
  async #publishWithRetry(event: ReceivedEventData, context: PartitionContext): Promise<boolean> {
    const delays = this.#options.publishRetryMs ?? DEFAULT_EVENTHUBS_PUBLISH_RETRY_MS;
    const traceparent = traceparentOf(event.properties?.['traceparent']);
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.#options.intake.accept(parseMessageBody(event.body), {
          input: 'eventhubs',
          ...(traceparent ? { traceparent } : {}),
        });
        if (outcome.kind !== 'accepted')
          this.#log.warn('malformed event delivery skipped', {
            partitionId: context.partitionId,
            sequenceNumber: event.sequenceNumber,
            offset: String(event.offset),
            reason:
              outcome.kind === 'invalid'
                ? outcome.reasons.join('; ')
                : 'subscription validation event',
          });
        return true;
      } catch (error) {
        if (this.#stopSignal.signal.aborted) return false;
        const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1_000;
        this.#log.warn('bus publish failed, partition held and retried', {
          partitionId: context.partitionId,
          sequenceNumber: event.sequenceNumber,
          attempt: attempt + 1,
          retryInMs: delay,
          error: (error as Error).message,
        });
        if (!(await this.#sleep(delay))) return false;
      }
    }
  }

  /** Resolves false when stop() interrupts the wait. */
  #sleep(ms: number): Promise<boolean> {
    const signal = this.#stopSignal.signal;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
