import { errors } from '../errors';
import type { SecretRecord } from '../storage/vault-store';

/**
 * Backups are opaque to clients. Ours carry a marker and the records as JSON, base64url-encoded,
 * so a blob from this emulator restores into any vault of it (Azure restricts restores to the
 * same geography and subscription; the emulator does not model that).
 */
const BACKUP_MARKER = 'akv-emulator-secret-backup/1';

export function encodeBackup(versions: readonly SecretRecord[]): string {
  return Buffer.from(JSON.stringify({ marker: BACKUP_MARKER, versions })).toString('base64url');
}

export function decodeBackup(value: unknown): SecretRecord[] {
  if (typeof value !== 'string') throw errors.badParameter('The backup blob is missing.');
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      marker?: string;
      versions?: SecretRecord[];
    };
    if (
      parsed.marker === BACKUP_MARKER &&
      Array.isArray(parsed.versions) &&
      parsed.versions.length > 0
    ) {
      return parsed.versions;
    }
  } catch {
    // fall through
  }
  throw errors.badParameter('The backup blob is invalid or corrupt.');
}
