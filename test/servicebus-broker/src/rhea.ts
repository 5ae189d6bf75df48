/**
 * rhea is CommonJS and assigns a container instance to `module.exports`, so Node's ESM loader
 * cannot see its named exports; requiring it keeps the typings and the runtime in agreement.
 */
import { createRequire } from 'node:module';
import type * as Rhea from 'rhea';

export const rhea = createRequire(import.meta.url)('rhea') as typeof Rhea;

// rhea's frame constructors are not part of its API (rhea is pinned to one version here).
const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as {
  disposition(fields: {
    role: boolean;
    first: number;
    last: number;
    settled: boolean;
    state: unknown;
  }): unknown;
};

/** The parts of an outgoing rhea delivery that settling it by hand touches. */
interface OutgoingDelivery {
  id: number;
  settled: boolean;
  remote_settled: boolean;
  state: unknown;
  link: {
    is_receiver(): boolean;
    session: { output(frame: unknown): void };
    connection: { _register(): void };
  };
}

/**
 * Settles an outgoing delivery with `state` in a disposition frame of its own. rhea's
 * `delivery.update()` would queue it with the others of this tick and write them as ranges
 * carrying the first delivery's state, comparing states only from a range's third delivery on
 * (rhea 3.0.5, lib/session.js `write_dispositions`): two answers of one tick, a completed message
 * and one whose lock was lost, would both tell the client the first outcome.
 */
export function settleAlone(delivery: Rhea.Delivery, state: unknown): void {
  const d = delivery as unknown as OutgoingDelivery;
  d.settled = true;
  d.state = state;
  // The receiver settles second without another frame: done on both sides, so rhea drops the
  // delivery from the session buffer (else it would fill after 2048 deliveries).
  d.remote_settled = true;
  d.link.session.output(
    frames.disposition({
      role: d.link.is_receiver(),
      first: d.id,
      last: d.id,
      settled: true,
      state,
    }),
  );
  d.link.connection._register();
}

/** The parts of a rhea link that its typings leave out (stable across rhea 2–3). */
export interface LinkInternals {
  remote: {
    attach?: {
      source?: { address?: string };
      target?: { address?: string };
      snd_settle_mode?: number;
    };
  };
  local: { attach: { snd_settle_mode?: number; max_message_size?: number } };
  credit: number;
  session: { outgoing: { next_pending_delivery: number } };
}

export function internals(link: Rhea.Sender | Rhea.Receiver): LinkInternals {
  return link as unknown as LinkInternals;
}

/** A disposition state to put on a delivery (typed as rhea expects it). */
type Outcome = { described(): unknown };
const outcomes = rhea.message as unknown as {
  accepted(): Outcome;
  modified(fields: object): Outcome;
  rejected(fields: { error: Rhea.AmqpError }): Outcome;
};
export const outcome = outcomes;

/** Decodes one encoded AMQP message. */
export function decodeMessage(bytes: Buffer): Rhea.Message {
  return rhea.message.decode(bytes) as unknown as Rhea.Message;
}
