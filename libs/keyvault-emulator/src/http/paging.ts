import { errors } from '../errors';

/** Key Vault's page size when `maxresults` is absent, and its largest allowed value. */
export const MAX_RESULTS_LIMIT = 25;

interface SkipToken {
  readonly offset: number;
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as SkipToken;
    if (Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw errors.badParameter('The $skiptoken query parameter is invalid.');
}

/** Query parameters of a list call, as Fastify parsed them. */
export type ListQuery = Readonly<Record<string, string | undefined>>;

/**
 * Cuts one page out of `items` and builds the `nextLink` Key Vault would send
 * (same path, `api-version`, `maxresults` and an opaque `$skiptoken`).
 */
export function pageOf<T>(
  items: readonly T[],
  query: ListQuery,
  listUrl: string,
  options: { readonly limit?: number; readonly sizeParam?: string } = {},
): { value: T[]; nextLink: string | null } {
  const limit = options.limit ?? MAX_RESULTS_LIMIT;
  const sizeParam = options.sizeParam ?? 'maxresults';
  const rawMax = query[sizeParam];
  const maxResults = rawMax === undefined ? limit : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limit) {
    throw errors.badParameter(
      `Invalid value for ${sizeParam}: ${rawMax}. It must be between 1 and ${limit}.`,
    );
  }
  const token = query['$skiptoken'];
  const offset = token ? decodeSkipToken(token) : 0;
  const value = items.slice(offset, offset + maxResults);
  const nextOffset = offset + value.length;
  if (nextOffset >= items.length) return { value, nextLink: null };
  // Key Vault writes `$skiptoken` unescaped; clients follow nextLink verbatim.
  const params = [
    `api-version=${encodeURIComponent(query['api-version'] ?? '')}`,
    `$skiptoken=${Buffer.from(JSON.stringify({ offset: nextOffset })).toString('base64url')}`,
    ...(rawMax === undefined ? [] : [`${sizeParam}=${maxResults}`]),
  ];
  return { value, nextLink: `${listUrl}?${params.join('&')}` };
}
