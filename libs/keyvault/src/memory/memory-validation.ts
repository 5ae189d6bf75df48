import { VaultError } from '../errors';

/**
 * Key Vault's limits on what a write carries: at most 15 tags, tag names and values up to 256
 * characters, a content type up to 255, a secret value up to 25 KB
 * (https://learn.microsoft.com/azure/key-vault/general/service-limits, "Azure Key Vault
 * secrets": tags and value size; https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#object-types).
 * The memory stores refuse what the service refuses, with its 400.
 */
export const MAX_TAGS = 15;
export const MAX_TAG_CHARS = 256;
export const MAX_CONTENT_TYPE_CHARS = 255;
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;

export function validateWrite(
  vault: string,
  name: string,
  write: { tags: Readonly<Record<string, string>>; contentType?: string | undefined },
  value?: string,
): void {
  const bad = (message: string) =>
    new VaultError('bad-request', message, {
      vault,
      objectName: name,
      status: 400,
      serviceCode: 'BadParameter',
    });
  const entries = Object.entries(write.tags);
  if (entries.length > MAX_TAGS)
    throw bad(`Too many tags: ${entries.length}. The maximum is ${MAX_TAGS}.`);
  for (const [key, tag] of entries)
    if (key.length > MAX_TAG_CHARS || tag.length > MAX_TAG_CHARS)
      throw bad(`Tag ${key.slice(0, 40)} is longer than ${MAX_TAG_CHARS} characters.`);
  if ((write.contentType?.length ?? 0) > MAX_CONTENT_TYPE_CHARS)
    throw bad(`contentType is longer than ${MAX_CONTENT_TYPE_CHARS} characters.`);
  if (value !== undefined && Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES)
    throw bad(`The secret value is larger than ${MAX_SECRET_VALUE_BYTES} bytes.`);
}
