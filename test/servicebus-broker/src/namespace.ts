/**
 * The broker's namespace: queues and topics built from Config.json, with what happens between a
 * sender and the receivable entities — sequence numbers, duplicate detection on message-id,
 * scheduled enqueue, and routing a topic message to every subscription whose rules match.
 */
import type { Message as AmqpMessage } from 'rhea';
import {
  BrokerConfigError,
  compileRule,
  DEFAULT_RULE,
  entitySettings,
  inboxSettings,
  type CompiledRule,
  type EmulatorConfig,
  type EmulatorEntityProperties,
  type EmulatorRule,
  type InboxSettings,
} from './config';
import { MessageEntity, type StoredMessage } from './message-entity';
import type { FilterableMessage } from './sql-filter';

interface Subscription {
  name: string;
  entity: MessageEntity;
  rules: CompiledRule[];
}

/** A queue or topic: the thing a sender link targets. */
interface Inbox {
  name: string;
  settings: InboxSettings;
  defaultTtlMs: number;
  nextSequenceNumber: number;
  recentIds: Map<string, number>;
  scheduled: Map<number, NodeJS.Timeout>;
  /** Set for a queue; topics route to `subscriptions`. */
  queue?: MessageEntity;
  subscriptions: Map<string, Subscription>;
}

const SCHEDULED_TIME = 'x-opt-scheduled-enqueue-time';
const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

function key(name: string): string {
  return name.toLowerCase();
}

function filterView(amqp: AmqpMessage): FilterableMessage {
  return {
    properties: (amqp.application_properties ?? {}) as Record<string, unknown>,
    system: {
      contenttype: amqp.content_type,
      correlationid: amqp.correlation_id,
      label: amqp.subject,
      messageid: amqp.message_id,
      replyto: amqp.reply_to,
      replytosessionid: amqp.reply_to_group_id,
      sessionid: amqp.group_id,
      to: amqp.to,
    },
  };
}

export class BrokerNamespace {
  private readonly inboxes = new Map<string, Inbox>();

  constructor(config: EmulatorConfig) {
    const namespaces = config.UserConfig?.Namespaces;
    if (!Array.isArray(namespaces) || namespaces.length !== 1) {
      throw new BrokerConfigError('UserConfig.Namespaces', 'must list exactly one namespace');
    }
    const ns = namespaces[0]!;
    ns.Queues?.forEach((q, i) => {
      const path = `UserConfig.Namespaces[0].Queues[${i}]`;
      const settings = entitySettings(q.Properties, `${path}.Properties`);
      const inbox = this.addInbox(
        q.Name,
        inboxSettings(q.Properties, `${path}.Properties`),
        settings.defaultTtlMs,
      );
      const dlq = new MessageEntity(`${q.Name}/$DeadLetterQueue`, {
        ...settings,
        maxDeliveryCount: Infinity,
      });
      inbox.queue = new MessageEntity(q.Name, settings, dlq);
    });
    ns.Topics?.forEach((t, i) => {
      const path = `UserConfig.Namespaces[0].Topics[${i}]`;
      this.addTopic(t.Name, t.Properties, path);
      t.Subscriptions?.forEach((s, j) => {
        this.addSubscription(t.Name, s.Name, s.Properties, s.Rules, `${path}.Subscriptions[${j}]`);
      });
    });
  }

  /**
   * Creates a topic at run time (what ServiceBusAdministrationClient does on Azure); a no-op
   * when it exists. Returns false when it already existed.
   */
  ensureTopic(name: string, properties?: EmulatorEntityProperties): boolean {
    if (this.inboxes.has(key(name))) return false;
    this.addTopic(name, properties, name);
    return true;
  }

  /** Creates a subscription with its rules at run time; false when it already existed. */
  ensureSubscription(
    topic: string,
    name: string,
    properties?: EmulatorEntityProperties,
    rules?: EmulatorRule[],
  ): boolean {
    const inbox = this.inboxes.get(key(topic));
    if (!inbox || inbox.queue) throw new BrokerConfigError(topic, 'no such topic');
    if (inbox.subscriptions.has(key(name))) return false;
    this.addSubscription(inbox.name, name, properties, rules, `${topic}/Subscriptions/${name}`);
    return true;
  }

  /** Names of a topic's subscriptions (empty for an unknown topic). */
  listSubscriptions(topic: string): string[] {
    const inbox = this.inboxes.get(key(topic));
    return inbox ? [...inbox.subscriptions.values()].map((s) => s.name) : [];
  }

  /** True when a sender may attach to this address (a queue or topic). */
  hasInbox(address: string): boolean {
    return this.inboxes.has(key(address));
  }

  /** The receivable entity at `queue`, `topic/Subscriptions/name`, or either + `/$DeadLetterQueue`. */
  entity(address: string): MessageEntity | undefined {
    let path = key(address);
    const deadLetter = path.endsWith(DEAD_LETTER_SUFFIX);
    if (deadLetter) path = path.slice(0, -DEAD_LETTER_SUFFIX.length);
    const parts = path.split('/');
    let entity: MessageEntity | undefined;
    if (parts.length === 1) entity = this.inboxes.get(parts[0]!)?.queue;
    else if (parts.length === 3 && parts[1] === 'subscriptions') {
      entity = this.inboxes.get(parts[0]!)?.subscriptions.get(parts[2]!)?.entity;
    }
    return deadLetter ? entity?.deadLetterQueue : entity;
  }

  /**
   * Accepts one message for a queue or topic. Returns its sequence number, or undefined when
   * duplicate detection dropped it (Service Bus accepts duplicates and silently discards them).
   */
  send(address: string, amqp: AmqpMessage): number | undefined {
    const inbox = this.inboxes.get(key(address));
    if (!inbox) throw new Error(`entity ${address} not found`);
    const now = Date.now();
    if (inbox.settings.requiresDuplicateDetection && amqp.message_id !== undefined) {
      const id = String(amqp.message_id);
      for (const [seen, at] of inbox.recentIds)
        if (at + inbox.settings.duplicateWindowMs < now) inbox.recentIds.delete(seen);
      if (inbox.recentIds.has(id)) return undefined;
      inbox.recentIds.set(id, now);
    }
    const sequenceNumber = inbox.nextSequenceNumber++;
    const scheduled = amqp.message_annotations?.[SCHEDULED_TIME] as Date | number | undefined;
    const at = scheduled === undefined ? now : new Date(scheduled).getTime();
    if (at > now) {
      const timer = setTimeout(() => {
        inbox.scheduled.delete(sequenceNumber);
        this.route(inbox, amqp, sequenceNumber);
      }, at - now);
      timer.unref();
      inbox.scheduled.set(sequenceNumber, timer);
    } else {
      this.route(inbox, amqp, sequenceNumber);
    }
    return sequenceNumber;
  }

  /** Cancels a scheduled message; false when it was already enqueued or never existed. */
  cancelScheduled(address: string, sequenceNumber: number): boolean {
    const inbox = this.inboxes.get(key(address));
    const timer = inbox?.scheduled.get(sequenceNumber);
    if (!inbox || !timer) return false;
    clearTimeout(timer);
    inbox.scheduled.delete(sequenceNumber);
    return true;
  }

  close(): void {
    for (const inbox of this.inboxes.values()) {
      for (const timer of inbox.scheduled.values()) clearTimeout(timer);
      inbox.scheduled.clear();
      for (const entity of this.entities(inbox)) {
        entity.close();
        entity.deadLetterQueue?.close();
      }
    }
  }

  private *entities(inbox: Inbox): Iterable<MessageEntity> {
    if (inbox.queue) yield inbox.queue;
    for (const sub of inbox.subscriptions.values()) yield sub.entity;
  }

  private addTopic(
    name: string,
    properties: EmulatorEntityProperties | undefined,
    path: string,
  ): void {
    const ttl = entitySettings(properties, `${path}.Properties`).defaultTtlMs;
    this.addInbox(name, inboxSettings(properties, `${path}.Properties`), ttl);
  }

  private addSubscription(
    topic: string,
    name: string,
    properties: EmulatorEntityProperties | undefined,
    rules: EmulatorRule[] | undefined,
    path: string,
  ): void {
    const inbox = this.inboxes.get(key(topic))!;
    const settings = entitySettings(properties, `${path}.Properties`);
    const entityPath = `${inbox.name}/Subscriptions/${name}`;
    const dlq = new MessageEntity(`${entityPath}/$DeadLetterQueue`, {
      ...settings,
      maxDeliveryCount: Infinity,
    });
    const compiled = rules?.length
      ? rules.map((r, k) => compileRule(r, `${path}.Rules[${k}]`))
      : [DEFAULT_RULE];
    inbox.subscriptions.set(key(name), {
      name,
      entity: new MessageEntity(entityPath, settings, dlq),
      rules: compiled,
    });
  }

  private addInbox(name: string, settings: InboxSettings, defaultTtlMs: number): Inbox {
    if (this.inboxes.has(key(name)))
      throw new BrokerConfigError(name, 'entity names must be unique');
    const inbox: Inbox = {
      name,
      settings,
      defaultTtlMs,
      nextSequenceNumber: 1,
      recentIds: new Map(),
      scheduled: new Map(),
      subscriptions: new Map(),
    };
    this.inboxes.set(key(name), inbox);
    return inbox;
  }

  private route(inbox: Inbox, amqp: AmqpMessage, sequenceNumber: number): void {
    const enqueuedAt = Date.now();
    const view = filterView(amqp);
    const targets = inbox.queue
      ? [{ entity: inbox.queue, ttl: inbox.defaultTtlMs }]
      : [...inbox.subscriptions.values()]
          .filter((sub) => sub.rules.some((rule) => rule.matches(view)))
          .map((sub) => ({
            entity: sub.entity,
            ttl: Math.min(inbox.defaultTtlMs, sub.entity.settings.defaultTtlMs),
          }));
    for (const { entity, ttl } of targets) {
      const messageTtl =
        typeof amqp.ttl === 'number' && amqp.ttl > 0 ? Math.min(amqp.ttl, ttl) : ttl;
      const stored: StoredMessage = {
        amqp: { ...amqp },
        sequenceNumber,
        enqueuedAt,
        expiresAt: enqueuedAt + messageTtl,
      };
      entity.enqueue(stored);
    }
  }
}
