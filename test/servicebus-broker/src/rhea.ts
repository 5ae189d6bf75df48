/**
 * rhea is CommonJS and assigns a container instance to `module.exports`, so Node's ESM loader
 * cannot see its named exports; requiring it keeps the typings and the runtime in agreement.
 */
import { createRequire } from 'node:module';
import type * as Rhea from 'rhea';

export const rhea = createRequire(import.meta.url)('rhea') as typeof Rhea;

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
