import { errors } from '../errors';

/** Key Vault limits, copied from the service documentation. */
export const SECRET_VALUE_MAX_BYTES = 25 * 1024;
export const MAX_TAGS = 15;
export const TAG_MAX_CHARS = 256;
export const CONTENT_TYPE_MAX_CHARS = 255;
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** Rejects names Key Vault rejects. */
export function validateObjectName(name: string | undefined): string {
  if (name === undefined || !OBJECT_NAME.test(name)) {
    throw errors.badParameter(
      `The request URI contains an invalid name: ${name ?? ''}. Names must match ^[0-9a-zA-Z-]{1,127}$.`,
    );
  }
  return name;
}

/** Validates and copies a tag object. */
export function validateTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags))
    throw errors.badParameter('Tags must be an object.');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS) {
    throw errors.badParameter(`Too many tags: ${entries.length}. The maximum is ${MAX_TAGS}.`);
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw errors.badParameter(`Tag ${key} must have a string value.`);
    if (key.length > TAG_MAX_CHARS)
      throw errors.badParameter(`Tag name is longer than ${TAG_MAX_CHARS} characters.`);
    if (value.length > TAG_MAX_CHARS) {
      throw errors.badParameter(`Value of tag ${key} is longer than ${TAG_MAX_CHARS} characters.`);
    }
    copy[key] = value;
  }
  return copy;
}

export function validateContentType(contentType: unknown): string | undefined {
  if (contentType === undefined || contentType === null) return undefined;
  if (typeof contentType !== 'string') throw errors.badParameter('contentType must be a string.');
  if (contentType.length > CONTENT_TYPE_MAX_CHARS) {
    throw errors.badParameter(`contentType is longer than ${CONTENT_TYPE_MAX_CHARS} characters.`);
  }
  return contentType;
}

export function validateSecretValue(value: unknown): string {
  if (typeof value !== 'string')
    throw errors.badParameter('The secret value is missing or is not a string.');
  if (Buffer.byteLength(value, 'utf8') > SECRET_VALUE_MAX_BYTES) {
    throw errors.badParameter(
      `Secret value is larger than the maximum of ${SECRET_VALUE_MAX_BYTES} bytes.`,
    );
  }
  return value;
}

/** Wire attributes (Unix seconds) a client may set. */
export interface WireAttributesInput {
  readonly enabled?: boolean;
  readonly nbf?: number;
  readonly exp?: number;
}

export function validateAttributes(raw: unknown): WireAttributesInput {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object') throw errors.badParameter('attributes must be an object.');
  const { enabled, nbf, exp } = raw as Record<string, unknown>;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') {
    throw errors.badParameter('attributes.enabled must be a boolean.');
  }
  for (const [field, value] of [
    ['nbf', nbf],
    ['exp', exp],
  ] as const) {
    if (value !== undefined && value !== null && !Number.isFinite(value)) {
      throw errors.badParameter(`attributes.${field} must be a number of Unix seconds.`);
    }
  }
  return {
    ...(typeof enabled === 'boolean' ? { enabled } : {}),
    ...(typeof nbf === 'number' ? { nbf } : {}),
    ...(typeof exp === 'number' ? { exp } : {}),
  };
}
