import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The page's session cookie: derived from the token, so the cookie is not the token itself. */
export const SESSION_COOKIE = 'akvr_status';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time comparison: equal-length digests, so neither length nor content leaks. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Who may read the status: readers with `Authorization: Bearer <status.token>` (the CLI, curl)
 * or the page's session cookie set by `GET /?token=…`. Without a token (only allowed on
 * loopback, `status.allowUnauthenticated`), everyone who reaches the listener.
 */
export class StatusAuth {
  readonly session: string | undefined;

  constructor(private readonly token: string | undefined) {
    this.session = token
      ? createHmac('sha256', token).update('akv-replicator status session').digest('hex')
      : undefined;
  }

  get open(): boolean {
    return this.token === undefined;
  }

  /** A `?token=` offered on the page's address, checked like a bearer token. */
  accepts(token: string): boolean {
    return this.token !== undefined && sameSecret(token, this.token);
  }

  authorized(request: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) return sameSecret(header.slice(7).trim(), this.token);
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    return cookie !== undefined && sameSecret(cookie, this.session!);
  }

  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
