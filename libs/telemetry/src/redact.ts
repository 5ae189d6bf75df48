/** What replaces anything secret in a log line. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values are never logged, whatever they hold: the name's last word is one
 * of these (`value`, `apiKey`, `client_secret`, `sasToken`) or it names a connection string or
 * an authorization header anywhere. Over-redacting a harmless `routingKey` is the price of
 * never printing a `signingKey`.
 */
const SECRET_LAST_WORD =
  /(?:^|[^a-z]|[a-z](?=[A-Z]))(values?|secrets?|passwords?|passwd|pwd|tokens?|keys?|credentials?|signature)$/i;
const SECRET_ANYWHERE = /connection_?string|authorization|password|private_?key|cookie/i;

export function isSecretFieldName(name: string): boolean {
  return SECRET_LAST_WORD.test(name) || SECRET_ANYWHERE.test(name);
}

/**
 * Secret-looking text inside otherwise harmless strings (an error message quoting a connection
 * string or a header): the secret part is replaced, the rest kept for diagnosis.
 */
const SECRET_TEXT: readonly RegExp[] = [
  // Service Bus / Storage connection strings and SAS: SharedAccessKey=…, AccountKey=…, sig=…
  /\b(SharedAccessKey|SharedAccessSignature|AccountKey|Password|Pwd|sig|client_secret|access_token|code)=([^;&\s"']+)/gi,
  // Authorization headers
  /\b(Bearer|Basic|SharedAccessSignature)\s+([A-Za-z0-9._~+/=%-]{8,})/g,
  // JWTs wherever they appear
  /\b(eyJ[A-Za-z0-9_-]{5,})\.([A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g,
];

export function scrubText(text: string): string {
  let out = text;
  for (const pattern of SECRET_TEXT)
    out = out.replace(pattern, (_m, head: string) => `${head}=${REDACTED}`);
  return out;
}

/** A copy of `fields` safe to log: secret-named fields redacted, secret-looking text scrubbed. */
export function scrubFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = isSecretFieldName(key) ? REDACTED : scrubValue(value, 0);
  }
  return out;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[key] = isSecretFieldName(key) ? REDACTED : scrubValue(inner, depth + 1);
  return out;
}

/**
 * pino's own redaction as a second line of defence for whatever reaches pino without going
 * through `scrubFields` (bindings of children made by libraries, serialized errors).
 */
export const PINO_REDACT_PATHS: readonly string[] = [
  'value',
  'secret',
  'password',
  'token',
  'key',
  'connectionString',
  'authorization',
  '*.value',
  '*.secret',
  '*.password',
  '*.token',
  '*.key',
  '*.connectionString',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];
