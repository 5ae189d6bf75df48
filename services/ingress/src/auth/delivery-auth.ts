import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Header Event Grid can be told to send (delivery attribute) carrying the shared secret. */
export const SHARED_SECRET_HEADER = 'x-akv-replicator-key';
/** Query parameter carrying the shared secret, as in `https://ingress/eventgrid?code=…`. */
export const SHARED_SECRET_QUERY = 'code';

/** Why a request was refused, in words an operator can act on (see refusal-causes.ts). */
export type RefusalCause =
  | 'no-credentials'
  | 'wrong-shared-secret'
  | 'token-audience'
  | 'token-issuer'
  | 'token-expired'
  | 'token-without-expiry'
  | 'token-signature'
  | 'token-invalid'
  | 'key-endpoint-unavailable'
  | 'resync-disabled';

export type AuthDecision =
  | {
      ok: true;
      /** Who the credential says is calling (`shared-secret`, `entra:<subject>`, `anonymous`). */
      principal: string;
    }
  | { ok: false; status: 401 | 403 | 503; reason: string; cause: RefusalCause };

export interface EntraSettings {
  readonly issuer: string;
  readonly audience: string;
  /** Key source; `jwksUri` is fetched and cached by jose when given instead. */
  readonly keys: JWTVerifyGetKey;
}

/** Accepts a request when it proves knowledge of the shared secret or carries a valid Entra token. */
export interface RequestAuthenticator {
  readonly enabled: boolean;
  authenticate(request: {
    headers: Readonly<Record<string, string | string[] | undefined>>;
    query: Readonly<Record<string, unknown>>;
  }): Promise<AuthDecision>;
}

/** Compares digests so neither length nor content leaks through timing. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export function entraFromJwksUri(settings: {
  issuer: string;
  audience: string;
  jwksUri: string;
}): EntraSettings {
  return {
    issuer: settings.issuer,
    audience: settings.audience,
    keys: createRemoteJWKSet(new URL(settings.jwksUri)),
  };
}

/**
 * Event Grid delivery authentication: a shared secret (query or header) and/or an Entra bearer
 * token validated against issuer, audience and the issuer's signing keys. With neither
 * configured every delivery is accepted (local mode); the service logs a warning at start.
 */
export function createDeliveryAuthenticator(options: {
  sharedSecret?: string;
  entra?: EntraSettings;
}): RequestAuthenticator {
  const { sharedSecret, entra } = options;
  return {
    enabled: sharedSecret !== undefined || entra !== undefined,
    async authenticate({ headers, query }) {
      if (sharedSecret === undefined && entra === undefined)
        return { ok: true, principal: 'anonymous' };
      const presented =
        headerValue(headers[SHARED_SECRET_HEADER]) ??
        (typeof query[SHARED_SECRET_QUERY] === 'string'
          ? (query[SHARED_SECRET_QUERY] as string)
          : undefined);
      if (sharedSecret !== undefined && presented !== undefined) {
        return secretsEqual(presented, sharedSecret)
          ? { ok: true, principal: 'shared-secret' }
          : {
              ok: false,
              status: 403,
              reason: 'shared secret does not match',
              cause: 'wrong-shared-secret',
            };
      }
      const bearer = headerValue(headers.authorization)?.match(/^Bearer\s+(.+)$/i)?.[1];
      if (entra !== undefined && bearer !== undefined) {
        try {
          // A token without `exp` would be valid forever once leaked: Entra always sets it.
          const { payload } = await jwtVerify(bearer, entra.keys, {
            issuer: entra.issuer,
            audience: entra.audience,
            requiredClaims: ['exp'],
          });
          return { ok: true, principal: `entra:${String(payload.oid ?? payload.sub ?? '?')}` };
        } catch (error) {
          // Event Grid never retries a 403, so a token we could not check (Entra's key
          // endpoint down or answering nonsense) must not get one: 503 is retried on the
          // documented schedule and the event arrives once the keys can be read again.
          if (keysUnavailable(error))
            return {
              ok: false,
              status: 503,
              reason: `signing keys unavailable, token not checked (retry later): ${(error as Error).message}`,
              cause: 'key-endpoint-unavailable',
            };
          return {
            ok: false,
            status: 403,
            reason: `bearer token rejected: ${(error as { code?: string }).code ?? 'invalid'}`,
            cause: tokenCause(error),
          };
        }
      }
      return {
        ok: false,
        status: 401,
        reason: 'no credentials: send the shared secret or an Entra bearer token',
        cause: 'no-credentials',
      };
    },
  };
}

/**
 * The token could not be checked because the issuer's signing keys could not be read: jose's
 * JWKS fetch timed out (ERR_JWKS_TIMEOUT), answered other than 200 or not JSON (its generic
 * ERR_JOSE_GENERIC), or held no key set (ERR_JWKS_INVALID); a network failure surfaces as
 * fetch's own error, which carries no JOSE code. Every verdict on the token itself has an
 * ERR_JW* code.
 */
function keysUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_J')) return true;
  return code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC' || code === 'ERR_JWKS_INVALID';
}

/** jose's error, as the cause an operator can fix. */
function tokenCause(error: unknown): RefusalCause {
  const { code, claim } = error as { code?: string; claim?: string };
  if (code === 'ERR_JWT_EXPIRED') return 'token-expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (claim === 'aud') return 'token-audience';
    if (claim === 'iss') return 'token-issuer';
    // An expired token is ERR_JWT_EXPIRED above; this is an `exp` missing or not a number.
    if (claim === 'exp') return 'token-without-expiry';
    return 'token-invalid';
  }
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY')
    return 'token-signature';
  return 'token-invalid';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
