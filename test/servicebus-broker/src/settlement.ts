/**
 * Peek-lock settlement over the receiving link: the receiver's disposition (accepted / released /
 * modified / rejected with `com.microsoft:dead-letter`) becomes a Service Bus settlement of the
 * delivery's lock, then the broker settles the delivery (second settle mode), with
 * `com.microsoft:message-lock-lost` when the lock is gone. A client range (`first..last`, one state
 * for all) arrives from rhea as one event per delivery, and each gets its own answer frame.
 */
import type { AmqpError, Delivery as RheaDelivery } from 'rhea';
import { MessageLockLostError } from './entity-errors';
import type { MessageEntity, Settlement } from './message-entity';
import { outcome, settleAlone } from './rhea';

/** The receiver outcomes rhea reports on an outgoing delivery. */
export const DISPOSITIONS = ['accepted', 'released', 'modified', 'rejected'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export class DeliverySettlements {
  private readonly locks = new WeakMap<object, { entity: MessageEntity; token: string }>();

  /** Remembers which lock a peek-locked delivery carries. */
  track(delivery: object, entity: MessageEntity, token: string): void {
    this.locks.set(delivery, { entity, token });
  }

  settle(delivery: RheaDelivery, disposition: Disposition): void {
    const lock = this.locks.get(delivery);
    if (!lock) return;
    this.locks.delete(delivery);
    const settlement = settlementOf(delivery, disposition);
    try {
      lock.entity.settle(lock.token, settlement);
      const state = settlement.kind === 'complete' ? outcome.accepted() : outcome.modified({});
      settleAlone(delivery, state.described());
    } catch (error) {
      const condition =
        error instanceof MessageLockLostError ? error.condition : 'amqp:internal-error';
      const description = (error as Error).message;
      settleAlone(delivery, outcome.rejected({ error: { condition, description } }).described());
    }
  }
}

function settlementOf(delivery: RheaDelivery, disposition: Disposition): Settlement {
  if (disposition === 'accepted') return { kind: 'complete' };
  if (disposition === 'released') return { kind: 'abandon' };
  if (disposition === 'modified') {
    const state = delivery.remote_state as
      { undeliverable_here?: boolean; message_annotations?: Record<string, unknown> } | undefined;
    // The SDK defers with undeliverable-here and abandons without it.
    return state?.undeliverable_here
      ? { kind: 'defer' }
      : { kind: 'abandon', annotations: state?.message_annotations };
  }
  const error = (delivery.remote_state as { error?: AmqpError } | undefined)?.error;
  const info = (error?.info ?? {}) as Record<string, unknown>;
  const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = info;
  return {
    kind: 'deadLetter',
    reason: DeadLetterReason as string | undefined,
    description: DeadLetterErrorDescription as string | undefined,
    properties,
  };
}
