/**
 * Extracts the bearer token from an `Authorization` header; undefined when absent or not Bearer.
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

/** Accepts any token, or in strict mode only the configured ones. */
export class TokenPolicy {
  readonly #accepted: ReadonlySet<string> | undefined;

  /** `acceptedTokens` undefined or empty = any bearer token is accepted. */
  constructor(acceptedTokens?: readonly string[]) {
    this.#accepted =
      acceptedTokens && acceptedTokens.length > 0 ? new Set(acceptedTokens) : undefined;
  }

  get strict(): boolean {
    return this.#accepted !== undefined;
  }

  accepts(token: string): boolean {
    return this.#accepted === undefined || this.#accepted.has(token);
  }
}
