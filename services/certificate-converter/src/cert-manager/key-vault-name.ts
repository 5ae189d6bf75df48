import { createHash } from 'node:crypto';

/** Key Vault object names: 1–127 of `0-9a-zA-Z-`. */
export const MAX_OBJECT_NAME_LENGTH = 127;
const HASH_LENGTH = 8;

/**
 * The Key Vault certificate name for a Kubernetes TLS Secret: `<namespace>--<name>`, so the
 * same Secret name in two namespaces maps to two certificates. Characters Key Vault refuses
 * (`.`) become `-`; when that or truncation could make two Secrets collide, a short hash of
 * the exact `namespace/name` is appended, keeping names unique and stable.
 */
export function keyVaultNameFor(namespace: string, name: string, prefix = ''): string {
  const plain = `${prefix}${namespace}--${name}`;
  const cleaned = plain.replace(/[^0-9a-zA-Z-]/g, '-');
  if (cleaned === plain && cleaned.length <= MAX_OBJECT_NAME_LENGTH) return cleaned;
  const hash = createHash('sha256')
    .update(`${prefix}${namespace}/${name}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  return `${cleaned.slice(0, MAX_OBJECT_NAME_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}
