import {
  vaultEventDataSchema,
  vaultEventKindSchema,
  type VaultEventData,
} from '@akv-replicator/core';
import { readKeyVaultData } from './key-vault-data';

export const KEY_VAULT_EVENT_PREFIX = 'Microsoft.KeyVault.';
export const EVENTGRID_VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/**
 * Longest event id taken: the id becomes the bus message id, and Service Bus refuses one over
 * 128 characters (NATS refuses control characters in its Nats-Msg-Id header). Such an event
 * could never be published, so it is invalid here rather than retried by an input for good.
 * Event Grid's own ids are GUIDs.
 */
export const MAX_EVENT_ID_LENGTH = 128;

/** One event from either schema, reduced to the fields we read. */
export interface IncomingEvent {
  readonly id: unknown;
  readonly type: unknown;
  readonly time: unknown;
  readonly data: unknown;
}

export type NormaliseResult =
  | { kind: 'vault-event'; event: VaultEventData }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/** The bus's own rule for event times, so what passes here passes there. */
const ISO_TIME = vaultEventDataSchema.shape.eventTime;

// A Map, not an object literal: `ObjectType: "constructor"` must not find Object.prototype's.
const OBJECT_KINDS = new Map<string, VaultEventData['objectKind']>([
  ['secret', 'secret'],
  ['certificate', 'certificate'],
  ['key', 'key'],
]);

/**
 * Turns one Event Grid event (EventGrid or CloudEvents schema) into a vault event. Key Vault
 * events we don't act on (access policy changes, …) are ignored; anything malformed is invalid,
 * with a reason that names fields, never values.
 */
export function normaliseEvent(
  event: IncomingEvent,
  input: VaultEventData['input'],
): NormaliseResult {
  if (typeof event.type !== 'string' || event.type.length === 0)
    return { kind: 'invalid', reason: 'event has no type' };
  if (typeof event.id !== 'string' || event.id.length === 0)
    return { kind: 'invalid', reason: `${event.type}: event has no id` };
  if (!event.type.startsWith(KEY_VAULT_EVENT_PREFIX))
    return { kind: 'ignored', reason: `not a Key Vault event: ${event.type}` };
  const kind = vaultEventKindSchema.safeParse(event.type.slice(KEY_VAULT_EVENT_PREFIX.length));
  if (!kind.success)
    return { kind: 'ignored', reason: `Key Vault event not replicated: ${event.type}` };
  // The id is not echoed: it is what is wrong.
  if (event.id.length > MAX_EVENT_ID_LENGTH || /\p{Cc}/u.test(event.id))
    return {
      kind: 'invalid',
      reason: `${event.type}: event id longer than ${MAX_EVENT_ID_LENGTH} characters or with control characters`,
    };
  if (typeof event.data !== 'object' || event.data === null)
    return { kind: 'invalid', reason: `${event.type} ${event.id}: data is missing` };
  const fields = readKeyVaultData(event.data as Record<string, unknown>);
  if (fields.conflict)
    return { kind: 'invalid', reason: `${event.type} ${event.id}: Id and ObjectName disagree` };
  const candidate = {
    eventId: event.id,
    kind: kind.data,
    objectKind:
      OBJECT_KINDS.get(fields.objectType?.toLowerCase() ?? '') ??
      kind.data.replace(/(NewVersionCreated|NearExpiry|Expired)$/, '').toLowerCase(),
    vault: { name: fields.vaultName, ...(fields.vaultUri ? { uri: fields.vaultUri } : {}) },
    objectName: fields.objectName,
    ...(fields.version ? { version: fields.version } : {}),
    notBefore: fields.notBefore,
    expires: fields.expires,
    eventTime: eventTimeOf(event.time),
    input,
  };
  const parsed = vaultEventDataSchema.safeParse(candidate);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(data)').join(', ');
    return { kind: 'invalid', reason: `${event.type} ${event.id}: invalid ${where}` };
  }
  return { kind: 'vault-event', event: parsed.data };
}

/**
 * The event's time as ISO 8601 with an offset. Event Grid writes seven fractional digits
 * (`2019-07-25T01:08:33.1036736Z` in the Key Vault schema page's example); anything unreadable
 * is only a missed detail, so the time of arrival stands in.
 */
function eventTimeOf(time: unknown): string {
  if (typeof time === 'string' && ISO_TIME.safeParse(time).success) return time;
  if (time instanceof Date && !Number.isNaN(time.getTime())) return time.toISOString();
  return new Date().toISOString();
}
