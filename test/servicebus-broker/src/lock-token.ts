/**
 * Lock tokens are GUIDs. Service Bus puts them into the AMQP delivery tag in .NET byte order
 * (first three groups little-endian), and `@azure/service-bus` reorders the tag before printing
 * it; management requests carry them as AMQP uuids in network order. Keeping one canonical
 * string per lock and converting at the edges keeps both paths pointing at the same lock.
 */
import { randomBytes } from 'node:crypto';

/** A fresh lock token in canonical (network byte order) form. */
export function newLockToken(): string {
  return formatUuid(randomBytes(16));
}

/** Formats 16 bytes in network order as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Canonical string → 16 bytes in network order (for the `x-opt-lock-token` uuid annotation). */
export function uuidBytes(token: string): Buffer {
  return Buffer.from(token.replace(/-/g, ''), 'hex');
}

/** Swaps the first three groups between network and .NET byte order (its own inverse). */
export function reorderGuidBytes(bytes: Buffer): Buffer {
  const b = bytes;
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

/** The delivery tag Service Bus would send for this lock token. */
export function deliveryTagFor(token: string): Buffer {
  return reorderGuidBytes(uuidBytes(token));
}

/** A lock token as it arrives in a management request (uuid bytes or a string). */
export function lockTokenFromWire(value: unknown): string {
  if (Buffer.isBuffer(value) && value.length === 16) return formatUuid(value);
  if (typeof value === 'string') return value.toLowerCase();
  throw new TypeError('lock token must be a uuid');
}
