/** What replaces a secret found in text bound for a log line, an error or a dead-letter entry. */
export const REDACTED = '[redacted]';

// Very short values (a chat id like "42") would blank out innocent text; they are not
// credentials on their own anyway.
const MIN_REDACTABLE_LENGTH = 6;

/**
 * Returns a function that removes every given secret (and its URL-encoded form, as it appears
 * inside a URL) from a text. Channels build one from their webhook URL, token or password and
 * pass every peer-supplied string through it before it reaches an error.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_REDACTABLE_LENGTH) continue;
    needles.add(secret);
    needles.add(encodeURIComponent(secret));
    needles.add(encodeURI(secret));
  }
  // Longest first, so a URL is removed whole before a token inside it is.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((acc, needle) => acc.split(needle).join(REDACTED), text);
}

/** Describes an unknown thrown value in one line (name, code, message) without its stack. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const inner = cause.cause instanceof Error ? `: ${describeCause(cause.cause)}` : '';
  return `${cause.name}${typeof code === 'string' ? ` ${code}` : ''}: ${cause.message}${inner}`;
}

/**
 * The secret parts of a credential-bearing URL (Slack and Teams webhooks, Telegram's bot path):
 * the whole URL, its path and query, and every path segment and query value. Peers tend to
 * echo just the path back ("no such hook: /services/T…/B…/…"), so the whole URL is not enough.
 * Redacting harmless segments too only costs a little clarity in an error message.
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const parts = [
    url,
    parsed.href,
    parsed.password,
    parsed.pathname,
    parsed.search,
    `${parsed.pathname}${parsed.search}`,
  ];
  parts.push(...parsed.pathname.split('/').map((segment) => decodeURIComponent(segment)));
  for (const value of parsed.searchParams.values()) parts.push(value);
  return parts;
}
