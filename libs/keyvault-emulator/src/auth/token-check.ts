/**
 * Extracts the bearer token from an `Authorization` header; undefined when absent or not Bearer.
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * Which bearer tokens open what. Without any configured token every token is accepted (a
 * missing one still gets the challenge). Strict mode: `tokens` open every vault and ARM;
 * `tokensByTenant[T]` open only vaults of tenant T (and ARM), so a credential used against
 * the wrong tenant fails as it would on Azure.
 */
export class TokenPolicy {
  readonly #everywhere: ReadonlySet<string>;
  readonly #byTenant: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #strict: boolean;

  constructor(
    tokens: readonly string[] = [],
    tokensByTenant: Readonly<Record<string, readonly string[]>> = {},
  ) {
    this.#everywhere = new Set(tokens);
    this.#byTenant = new Map(
      Object.entries(tokensByTenant).map(([tenant, list]) => [tenant.toLowerCase(), new Set(list)]),
    );
    this.#strict = this.#everywhere.size > 0 || this.#byTenant.size > 0;
  }

  get strict(): boolean {
    return this.#strict;
  }

  /** `tenantId` given: a vault of that tenant; omitted: ARM (any configured token). */
  accepts(token: string, tenantId?: string): boolean {
    if (!this.#strict || this.#everywhere.has(token)) return true;
    if (tenantId !== undefined)
      return this.#byTenant.get(tenantId.toLowerCase())?.has(token) ?? false;
    return [...this.#byTenant.values()].some((set) => set.has(token));
  }
}
