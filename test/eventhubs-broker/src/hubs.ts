/**
 * The broker's namespace: Event Hubs with their partitions and consumer groups, fixed at start
 * (the official emulator also takes its topology from configuration, not from the data plane).
 */
import { PartitionLog, type Retention } from './partition-log';

export interface HubOptions {
  readonly name: string;
  /** 1–32 partitions, ids "0".."n-1" as on Azure. */
  readonly partitionCount: number;
  /** Besides `$Default`, which every hub has. */
  readonly consumerGroups?: readonly string[];
  readonly retention?: Retention;
}

export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
}

export const DEFAULT_CONSUMER_GROUP = '$Default';
const MAX_PARTITIONS = 32;

export class EventHub {
  readonly name: string;
  readonly createdAt = new Date();
  readonly partitions: readonly PartitionLog[];
  /** Lower-cased: Event Hubs entity names are case-insensitive. */
  private readonly consumerGroups: ReadonlySet<string>;
  private nextRoundRobin = 0;

  constructor(options: HubOptions) {
    const { name, partitionCount } = options;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(name))
      throw new BrokerConfigError(`invalid event hub name "${name}"`);
    if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > MAX_PARTITIONS)
      throw new BrokerConfigError(
        `event hub "${name}": partitionCount must be an integer 1-${MAX_PARTITIONS} (got ${String(partitionCount)})`,
      );
    this.name = name;
    this.partitions = Array.from(
      { length: partitionCount },
      (_, i) => new PartitionLog(String(i), options.retention),
    );
    this.consumerGroups = new Set(
      [DEFAULT_CONSUMER_GROUP, ...(options.consumerGroups ?? [])].map((g) => g.toLowerCase()),
    );
  }

  get partitionIds(): string[] {
    return this.partitions.map((p) => p.id);
  }

  partition(id: string): PartitionLog | undefined {
    return /^(0|[1-9]\d*)$/.test(id) ? this.partitions[Number(id)] : undefined;
  }

  hasConsumerGroup(name: string): boolean {
    return this.consumerGroups.has(name.toLowerCase());
  }

  /**
   * Where a transfer sent to the hub itself lands: a partition key always maps to the same
   * partition (FNV-1a 32-bit of its UTF-8 bytes, modulo the partition count — not Azure's hash,
   * which is unpublished); without a key, transfers go round-robin, one whole batch per partition.
   */
  route(partitionKey: string | undefined): PartitionLog {
    const index =
      partitionKey === undefined
        ? this.nextRoundRobin++ % this.partitions.length
        : fnv1a(partitionKey) % this.partitions.length;
    return this.partitions[index]!;
  }
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export class EventHubs {
  private readonly hubs = new Map<string, EventHub>();

  constructor(options: readonly HubOptions[]) {
    for (const hub of options) {
      const key = hub.name.toLowerCase();
      if (this.hubs.has(key))
        throw new BrokerConfigError(`event hub "${hub.name}" is declared twice`);
      this.hubs.set(key, new EventHub(hub));
    }
  }

  hub(name: string): EventHub | undefined {
    return this.hubs.get(name.toLowerCase());
  }

  list(): EventHub[] {
    return [...this.hubs.values()];
  }
}
