/**
 * The AMQP 1.0 front of the broker (rhea): SASL, the `$cbs` claims endpoint, `$management`
 * request/response links, senders into queues/topics, and peek-lock / receive-and-delete
 * receivers with manual credit and drain, settled as Service Bus settles them.
 */
import type { AmqpError, Connection, EventContext, Message, Receiver, Sender } from 'rhea';
import {
  BrokerListener,
  enableEmulatorSasl,
  putTokenStatus,
  type BrokerTls,
  type TokenCheck,
} from './amqp-kit';
import { handleManagement } from './management';
import { DeliverySettlements, DISPOSITIONS } from './settlement';
import type { Consumer, MessageEntity } from './message-entity';
import type { BrokerNamespace } from './namespace';
import { deliveryTagFor } from './lock-token';
import { internals, rhea } from './rhea';
import { toWireMessage, unbatch } from './wire';

export type { BrokerTls, TokenCheck } from './amqp-kit';

type Role =
  | { kind: 'cbs' }
  | { kind: 'management'; entityPath: string }
  | { kind: 'inbox'; address: string }
  | { kind: 'consumer'; entity: MessageEntity; consumer: Consumer };

interface ConnectionState {
  replyLinks: Map<string, Sender>;
  consumers: Array<{ entity: MessageEntity; consumer: Consumer }>;
}

const MANAGEMENT_SUFFIX = '/$management';
const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;

export class AmqpServer {
  private readonly container = rhea.create_container({
    id: 'servicebus-test-broker',
    autoaccept: false,
    treat_modified_as_released: false,
  });
  private readonly roles = new WeakMap<object, Role>();
  private readonly settlements = new DeliverySettlements();
  private readonly connections = new Map<Connection, ConnectionState>();
  private readonly listener = new BrokerListener(this.container);

  constructor(
    private readonly ns: BrokerNamespace,
    private readonly acceptToken: TokenCheck,
  ) {
    enableEmulatorSasl(this.container);
    this.container.on('connection_open', (c: EventContext) =>
      this.connections.set(c.connection, { replyLinks: new Map(), consumers: [] }),
    );
    this.container.on('receiver_open', (c: EventContext) => this.onReceiverOpen(c.receiver!));
    this.container.on('sender_open', (c: EventContext) => this.onSenderOpen(c.sender!));
    this.container.on('message', (c: EventContext) => this.onMessage(c));
    for (const event of ['sendable', 'sender_flow'])
      this.container.on(event, (c: EventContext) => this.dispatchFor(c.sender!));
    this.container.on('sender_draining', (c: EventContext) => {
      this.dispatchFor(c.sender!);
      c.sender!.set_drained(true);
    });
    for (const disposition of DISPOSITIONS) {
      this.container.on(disposition, (c: EventContext) =>
        this.settlements.settle(c.delivery!, disposition),
      );
    }
    for (const event of ['sender_close', 'receiver_close']) {
      this.container.on(event, (c: EventContext) =>
        this.forgetLink((c.sender ?? c.receiver)!, c.connection),
      );
    }
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
    if (address === '$cbs') this.roles.set(receiver, { kind: 'cbs' });
    else if (address.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
      this.roles.set(receiver, {
        kind: 'management',
        entityPath: address.slice(0, -MANAGEMENT_SUFFIX.length),
      });
    } else if (this.ns.hasInbox(address)) this.roles.set(receiver, { kind: 'inbox', address });
    else return void receiver.close(notFound(address));
    // The SDK sizes message batches from the peer's max-message-size (Standard tier: 256 KB).
    internals(receiver).local.attach.max_message_size = MAX_MESSAGE_SIZE_BYTES;
    receiver.add_credit(1000);
  }

  private onSenderOpen(sender: Sender): void {
    const attach = internals(sender).remote.attach;
    const address = attach?.source?.address ?? '';
    sender.set_source({ address });
    sender.set_target({ address: attach?.target?.address ?? '' });
    const state = this.connections.get(sender.connection);
    if (address === '$cbs' || address.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
      state?.replyLinks.set(sender.name, sender);
      const target = attach?.target?.address;
      if (target) state?.replyLinks.set(target, sender);
      return;
    }
    const entity = this.ns.entity(address);
    if (!entity) return void sender.close(notFound(address));
    const receiveAndDelete = attach?.snd_settle_mode === 1;
    if (receiveAndDelete) internals(sender).local.attach.snd_settle_mode = 1;
    // rhea spends link credit only when a transfer leaves, so deliveries queued in this tick must
    // be counted against the credit here, or one flow of 1 credit would lock every message.
    const link = internals(sender);
    const outgoing = link.session.outgoing;
    const unsent: number[] = [];
    const consumer: Consumer = {
      receiveAndDelete,
      hasCredit: () => {
        while (unsent.length > 0 && unsent[0]! < outgoing.next_pending_delivery) unsent.shift();
        return sender.is_open() && sender.sendable() && link.credit > unsent.length;
      },
      deliver: (d) => {
        const tag = d.lockToken
          ? deliveryTagFor(d.lockToken)
          : Buffer.from(String(d.message.sequenceNumber));
        const delivery = sender.send(toWireMessage(d), tag);
        unsent.push(delivery.id);
        if (d.lockToken) this.settlements.track(delivery, entity, d.lockToken);
      },
    };
    this.roles.set(sender, { kind: 'consumer', entity, consumer });
    state?.consumers.push({ entity, consumer });
    entity.attach(consumer);
  }

  private dispatchFor(sender: Sender): void {
    const role = this.roles.get(sender);
    if (role?.kind === 'consumer') role.entity.dispatch();
  }

  private onMessage(c: EventContext): void {
    const receiver = c.receiver!;
    const delivery = c.delivery!;
    const message = c.message!;
    const role = this.roles.get(receiver);
    try {
      if (role?.kind === 'inbox') {
        const raw = c as EventContext & { format?: number };
        for (const m of unbatch(message, raw.format)) this.ns.send(role.address, m);
      } else if (role?.kind === 'cbs') {
        this.reply(c.connection, message, putTokenStatus(message, this.acceptToken));
      } else if (role?.kind === 'management') {
        const r = handleManagement(this.ns, role.entityPath, message);
        const props: Record<string, unknown> = {
          statusCode: r.statusCode,
          statusDescription: r.statusDescription,
        };
        if (r.errorCondition) props['error-condition'] = r.errorCondition;
        this.reply(c.connection, message, props, r.body);
      }
      delivery.accept();
    } catch (error) {
      delivery.reject({ condition: 'amqp:internal-error', description: (error as Error).message });
    }
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

  private forgetLink(link: Sender | Receiver, connection: Connection): void {
    const role = this.roles.get(link);
    if (role?.kind !== 'consumer') return;
    role.entity.detach(role.consumer);
    const state = this.connections.get(connection);
    if (state) state.consumers = state.consumers.filter((c) => c.consumer !== role.consumer);
  }

  private forgetConnection(connection: Connection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    for (const { entity, consumer } of state.consumers) entity.detach(consumer);
    this.connections.delete(connection);
  }
}

function notFound(address: string): AmqpError {
  return {
    condition: 'amqp:not-found',
    description: `The messaging entity '${address}' could not be found.`,
  };
}
