import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCloudEvent, toEventGridSchema, type KeyVaultEvent } from './event-shapes';
import {
  deadLetteredEvent,
  deliveryOutcome,
  type DeadLetterProperties,
  type DeadLetterReason,
} from './delivery-policy';
import type { ResolvedSubscription } from './subscription-options';

/** One event given up on, as its subscription's dead-letter destination received it. */
export interface DeadLetteredEvent extends DeadLetterProperties {
  readonly subscription: string;
  readonly eventId: string;
  /** The event with the dead-letter properties, in the subscription's schema. */
  readonly body: Record<string, unknown>;
  /** Where it was written; undefined when the subscription has no dead-letter destination. */
  readonly file: string | undefined;
}

/**
 * Builds the dead-letter record of an event (properties of the documentation's "Delivery event
 * formats") and writes it to the subscription's dead-letter directory when it has one. Azure
 * waits about five minutes before writing; here it is written at once.
 */
export async function deadLetter(
  subscription: ResolvedSubscription,
  event: KeyVaultEvent,
  outcome: {
    reason: DeadLetterReason;
    attempts: number;
    lastStatus: number;
    lastAttemptAt: number;
    nowMs: number;
  },
): Promise<DeadLetteredEvent> {
  const properties: DeadLetterProperties = {
    deadLetterReason: outcome.reason,
    deliveryAttempts: outcome.attempts,
    lastDeliveryOutcome: deliveryOutcome(outcome.lastStatus),
    lastHttpStatusCode: outcome.lastStatus,
    publishTime: new Date(event.eventTimeMs).toISOString(),
    lastDeliveryAttemptTime: new Date(outcome.lastAttemptAt).toISOString(),
  };
  const rendered =
    subscription.schema === 'CloudEventSchemaV1_0'
      ? toCloudEvent(event, subscription.payloadStyle)
      : toEventGridSchema(event, subscription.payloadStyle);
  const body = deadLetteredEvent(rendered, properties, subscription.schema);
  const file = subscription.deadLetter
    ? await writeDeadLetter(
        subscription.deadLetter.directory,
        subscription.name,
        event.id,
        body,
        outcome.nowMs,
      )
    : undefined;
  return { ...properties, subscription: subscription.name, eventId: event.id, body, file };
}

/**
 * Writes one dead-lettered event under a subscription's dead-letter directory, laid out like
 * Event Grid's blobs in a dead-letter container (per subscription, then UTC hour), each file
 * a JSON array holding the event. Returns the file's path.
 */
async function writeDeadLetter(
  directory: string,
  subscription: string,
  eventId: string,
  deadLettered: Record<string, unknown>,
  atMs: number,
): Promise<string> {
  const at = new Date(atMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const folder = join(
    directory,
    subscription.toUpperCase(),
    String(at.getUTCFullYear()),
    two(at.getUTCMonth() + 1),
    two(at.getUTCDate()),
    two(at.getUTCHours()),
  );
  await mkdir(folder, { recursive: true });
  // The id comes from the event: keep only what is safe in a file name.
  const file = join(folder, `${eventId.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
  await writeFile(file, JSON.stringify([deadLettered], null, 2));
  return file;
}
