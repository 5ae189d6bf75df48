/**
 * The AMQP 1.0 front of the Event Hubs broker (rhea): SASL and `$cbs` shared with the Service Bus
 * broker, `$management` READs, producer links into a hub or a partition (batches unpacked), and
 * partition readers positioned by the selector filter, with owner-level (epoch) exclusivity.
 */
import type { AmqpError, Connection, EventContext, Message, Receiver, Sender } from 'rhea';
import {
  BrokerListener,
  decodeMessage,
  enableEmulatorSasl,
  internals,
  longFromWire,
  putTokenStatus,
  rhea,
  unbatch,
  type BrokerTls,
  type TokenCheck,
} from '@akv-replicator/servicebus-broker/amqp';
import { parseAddress } from './address';
import { FilterSyntaxError, parseSelector, type StartPosition } from './filter';
import type { EventHub, EventHubs } from './hubs';
import { handleManagement } from './management';
import { PartitionConsumer } from './partition-consumer';
import type { PartitionLog } from './partition-log';

type Role =
  | { kind: 'cbs' }
  | { kind: 'management' }
  | { kind: 'inbox'; hub: EventHub; partition: PartitionLog | undefined }
  | { kind: 'consumer'; consumer: PartitionConsumer; readerKey: string };

interface ConnectionState {
  replyLinks: Map<string, Sender>;
  consumers: Set<PartitionConsumer>;
}

const MANAGEMENT = '$management';
/** Standard tier's limit; the SDK sizes batches from the peer's max-message-size. */
const MAX_MESSAGE_SIZE_BYTES = 1024 * 1024;
/** Event Hubs allows 5 concurrent non-epoch readers per partition and consumer group. */
const MAX_READERS_WITHOUT_EPOCH = 5;
const SELECTOR_FILTER = 'apache.org:selector-filter:string';
const EPOCH = 'com.microsoft:epoch';
const RUNTIME_METRIC = 'com.microsoft:enable-receiver-runtime-metric';
const PARTITION_KEY = 'x-opt-partition-key';

export class AmqpServer {
  private readonly container = rhea.create_container({
    id: 'eventhubs-test-broker',
    autoaccept: false,
  });
  private readonly roles = new WeakMap<object, Role>();
  private readonly connections = new Map<Connection, ConnectionState>();
  /** Open readers per `hub/consumer group/partition` (lower-cased). */
  private readonly readers = new Map<string, Set<PartitionConsumer>>();
  private readonly listener = new BrokerListener(this.container);

  constructor(
    private readonly hubs: EventHubs,
    private readonly acceptToken: TokenCheck,
  ) {
    enableEmulatorSasl(this.container);
    this.container.on('connection_open', (c: EventContext) =>
      this.connections.set(c.connection, { replyLinks: new Map(), consumers: new Set() }),
    );
    this.container.on('receiver_open', (c: EventContext) => this.onReceiverOpen(c.receiver!));
    this.container.on('sender_open', (c: EventContext) => this.onSenderOpen(c.sender!));
    this.container.on('message', (c: EventContext) => this.onMessage(c));
    for (const event of ['sendable', 'sender_flow'])
      this.container.on(event, (c: EventContext) => this.consumerOf(c.sender)?.pump());
    this.container.on('sender_draining', (c: EventContext) => {
      this.consumerOf(c.sender)?.pump();
      c.sender!.set_drained(true);
    });
    for (const event of ['sender_close', 'receiver_close'])
      this.container.on(event, (c: EventContext) => this.forgetLink((c.sender ?? c.receiver)!));
    for (const event of ['connection_close', 'disconnected'])
      this.container.on(event, (c: EventContext) => this.forgetConnection(c.connection));
    // A client vanishing is routine for a broker; rhea would otherwise throw on unhandled errors.
    this.container.on('error', () => undefined);
    this.container.on('connection_error', () => undefined);
  }

  /** Listens on 127.0.0.1 (0 picks a free port), over TLS when given; resolves the port. */
  listen(port: number, tls?: BrokerTls): Promise<number> {
    return this.listener.listen(port, tls);
  }

  /** Closes every AMQP connection politely, then stops listening. */
  async close(): Promise<void> {
    for (const connection of this.connections.keys()) connection.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await this.kill();
  }

  /** Drops every socket without an AMQP close (a network cut or a crashed broker). */
  async kill(): Promise<void> {
    const killed = this.listener.kill();
    for (const connection of [...this.connections.keys()]) this.forgetConnection(connection);
    await killed;
  }

  private onReceiverOpen(receiver: Receiver): void {
    const attach = internals(receiver).remote.attach;
    const address = attach?.target?.address ?? '';
    receiver.set_target({ address });
    receiver.set_source({ address: attach?.source?.address ?? '' });
    const parsed = parseAddress(address);
    const hub = parsed && parsed.kind !== 'consumer' ? this.hubs.hub(parsed.hub) : undefined;
    if (address === '$cbs') this.roles.set(receiver, { kind: 'cbs' });
    else if (address === MANAGEMENT || address.endsWith(`/${MANAGEMENT}`))
      this.roles.set(receiver, { kind: 'management' });
    else if (hub && parsed?.kind === 'hub')
      this.roles.set(receiver, { kind: 'inbox', hub, partition: undefined });
    else if (hub && parsed?.kind === 'partition' && hub.partition(parsed.partition))
      this.roles.set(receiver, { kind: 'inbox', hub, partition: hub.partition(parsed.partition) });
    else return void receiver.close(notFound(address));
    internals(receiver).local.attach.max_message_size = MAX_MESSAGE_SIZE_BYTES;
    receiver.add_credit(1000);
  }

  private onSenderOpen(sender: Sender): void {
    const attach = internals(sender).remote.attach as RemoteAttach | undefined;
    const address = attach?.source?.address ?? '';
    sender.set_target({ address: attach?.target?.address ?? '' });
    const state = this.connections.get(sender.connection);
    if (address === '$cbs' || address === MANAGEMENT || address.endsWith(`/${MANAGEMENT}`)) {
      sender.set_source({ address });
      state?.replyLinks.set(sender.name, sender);
      const target = attach?.target?.address;
      if (target) state?.replyLinks.set(target, sender);
      return;
    }
    sender.set_source({
      address,
      ...(attach?.source?.filter ? { filter: attach.source.filter } : {}),
    });
    const parsed = parseAddress(address);
    const hub = parsed?.kind === 'consumer' ? this.hubs.hub(parsed.hub) : undefined;
    const partition = parsed?.kind === 'consumer' ? hub?.partition(parsed.partition) : undefined;
    if (
      parsed?.kind !== 'consumer' ||
      !hub ||
      !partition ||
      !hub.hasConsumerGroup(parsed.consumerGroup)
    )
      return void sender.close(notFound(address));

    let position: StartPosition;
    let epoch: number | undefined;
    try {
      position = startPosition(attach?.source?.filter);
      epoch = epochOf(attach?.properties);
    } catch (error) {
      const condition = error instanceof FilterSyntaxError ? error.condition : 'amqp:invalid-field';
      return void sender.close({ condition, description: (error as Error).message });
    }
    const readerKey = `${hub.name}/${parsed.consumerGroup}/${partition.id}`.toLowerCase();
    const readers = this.readers.get(readerKey) ?? new Set<PartitionConsumer>();
    const refusal = admit(readers, epoch, sender.name, partition.id);
    if (refusal) return void sender.close(refusal);
    if (epoch !== undefined) {
      for (const other of [...readers]) {
        readers.delete(other);
        other.close(stolen(epoch, other, sender.name));
      }
    }

    // Event Hubs deliveries need no settlement: sending them settled keeps rhea's buffer small.
    internals(sender).local.attach.snd_settle_mode = 1;
    const runtimeMetric = (attach?.desired_capabilities ?? []).some(
      (c) => String(c) === RUNTIME_METRIC,
    );
    const consumer = new PartitionConsumer(
      sender,
      partition,
      partition.resolve(position),
      epoch,
      runtimeMetric,
    );
    readers.add(consumer);
    this.readers.set(readerKey, readers);
    this.roles.set(sender, { kind: 'consumer', consumer, readerKey });
    state?.consumers.add(consumer);
    consumer.pump();
  }

  private onMessage(c: EventContext): void {
    const receiver = c.receiver!;
    const delivery = c.delivery!;
    const message = c.message!;
    const role = this.roles.get(receiver);
    try {
      if (role?.kind === 'inbox') {
        this.append(
          role.hub,
          role.partition,
          message,
          (c as EventContext & { format?: number }).format,
        );
      } else if (role?.kind === 'cbs') {
        this.reply(c.connection, message, putTokenStatus(message, this.acceptToken));
      } else if (role?.kind === 'management') {
        const r = handleManagement(this.hubs, message);
        const props: Record<string, unknown> = {
          'status-code': r.statusCode,
          'status-description': r.statusDescription,
        };
        if (r.errorCondition) props['error-condition'] = r.errorCondition;
        this.reply(c.connection, message, props, r.body);
      }
      delivery.accept();
    } catch (error) {
      delivery.reject({ condition: 'amqp:internal-error', description: (error as Error).message });
    }
  }

  /** One transfer lands whole in one partition, as a batch does on Event Hubs. */
  private append(
    hub: EventHub,
    bound: PartitionLog | undefined,
    message: Message | Buffer,
    format: number | undefined,
  ): void {
    const envelope = Buffer.isBuffer(message) ? decodeMessage(message) : message;
    const events = unbatch(message, format);
    const key = partitionKeyOf(envelope) ?? (events[0] ? partitionKeyOf(events[0]) : undefined);
    const partition = bound ?? hub.route(key);
    for (const event of events) {
      const size = rhea.message.encode(event).length;
      partition.append(event, partitionKeyOf(event) ?? key, size);
    }
    partition.notify();
  }

  private reply(
    connection: Connection,
    request: Message,
    properties: Record<string, unknown>,
    body?: unknown,
  ): void {
    const replyTo = String(request.reply_to ?? '');
    const link = this.connections.get(connection)?.replyLinks.get(replyTo);
    if (!link) return;
    link.send({
      correlation_id: request.message_id,
      to: replyTo,
      application_properties: properties,
      body,
    });
  }

  private consumerOf(sender: Sender | undefined): PartitionConsumer | undefined {
    const role = sender ? this.roles.get(sender) : undefined;
    return role?.kind === 'consumer' ? role.consumer : undefined;
  }

  private forgetLink(link: Sender | Receiver): void {
    const role = this.roles.get(link);
    if (role?.kind !== 'consumer') return;
    this.drop(role.consumer, role.readerKey);
    this.connections.get(link.connection)?.consumers.delete(role.consumer);
  }

  private forgetConnection(connection: Connection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    for (const consumer of state.consumers) {
      const role = this.roles.get(consumer.sender);
      if (role?.kind === 'consumer') this.drop(consumer, role.readerKey);
    }
    this.connections.delete(connection);
  }

  private drop(consumer: PartitionConsumer, readerKey: string): void {
    consumer.close();
    const readers = this.readers.get(readerKey);
    readers?.delete(consumer);
    if (readers?.size === 0) this.readers.delete(readerKey);
  }
}

interface RemoteAttach {
  source?: { address?: string; filter?: Record<string, unknown> };
  target?: { address?: string };
  properties?: Record<string, unknown>;
  desired_capabilities?: unknown[];
}

/** Where reading starts; a reader without a filter starts at the oldest retained event. */
function startPosition(filter: Record<string, unknown> | undefined): StartPosition {
  const value = filter?.[SELECTOR_FILTER];
  if (value === undefined) return { kind: 'earliest' };
  const text = describedValue(value);
  if (typeof text !== 'string')
    throw new FilterSyntaxError(`The ${SELECTOR_FILTER} filter must hold a string expression.`);
  return parseSelector(text);
}

/** rhea hands a described type either unwrapped or as `{ descriptor, value }`. */
function describedValue(value: unknown): unknown {
  if (value && typeof value === 'object' && 'value' in value && !Buffer.isBuffer(value))
    return describedValue((value as { value: unknown }).value);
  return value;
}

function epochOf(properties: Record<string, unknown> | undefined): number | undefined {
  const raw = properties?.[EPOCH];
  if (raw === undefined || raw === null) return undefined;
  const epoch = longFromWire(raw);
  if (!Number.isSafeInteger(epoch) || epoch < 0)
    throw new TypeError(`invalid ${EPOCH} ${String(epoch)}`);
  return epoch;
}

/**
 * Event Hubs' owner-level rules, worded as the service words them: a lower epoch, or no epoch
 * beside an epoch reader, is refused with amqp:link:stolen (ReceiverDisconnectedError).
 */
function admit(
  readers: Set<PartitionConsumer>,
  epoch: number | undefined,
  name: string,
  partition: string,
): AmqpError | undefined {
  const highest = Math.max(-1, ...[...readers].map((r) => r.epoch ?? -1));
  if (epoch === undefined && highest >= 0) {
    return {
      condition: 'amqp:link:stolen',
      description: `At least one receiver for the endpoint is created with epoch of '${highest}', and so non-epoch receiver '${name}' is not allowed on partition '${partition}'. Either reconnect with a higher epoch, or make sure all epoch receivers are closed or disconnected.`,
    };
  }
  if (epoch !== undefined && epoch < highest) {
    return {
      condition: 'amqp:link:stolen',
      description: `A receiver with a higher epoch '${highest}' already exists on partition '${partition}'. A new receiver '${name}' with epoch ${epoch} cannot be created. Make sure you are creating receiver with increasing epoch value to ensure connectivity, or ensure all old epoch receivers are closed or disconnected.`,
    };
  }
  if (epoch === undefined && readers.size >= MAX_READERS_WITHOUT_EPOCH) {
    return {
      condition: 'amqp:resource-limit-exceeded',
      description: `Exceeded the maximum number of allowed receivers per partition in a consumer group which is ${MAX_READERS_WITHOUT_EPOCH}.`,
    };
  }
  return undefined;
}

function stolen(epoch: number, previous: PartitionConsumer, name: string): AmqpError {
  return {
    condition: 'amqp:link:stolen',
    description: `New receiver '${name}' with higher epoch of '${epoch}' is created hence current receiver '${previous.sender.name}' with epoch '${previous.epoch ?? 'none'}' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.`,
  };
}

function partitionKeyOf(message: Message): string | undefined {
  const key = message.message_annotations?.[PARTITION_KEY];
  return key === undefined || key === null ? undefined : String(key);
}

function notFound(address: string): AmqpError {
  return {
    condition: 'amqp:not-found',
    description: `The messaging entity '${address}' could not be found.`,
  };
}
