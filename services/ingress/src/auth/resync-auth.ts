import { isLoopbackHost } from '@akv-replicator/core';
import { SHARED_SECRET_HEADER, secretsEqual, type RequestAuthenticator } from './delivery-auth';

/** Raised at start when `POST /resync` would be open to anyone or share the webhook's secret. */
export class UnsafeResyncConfigError extends Error {
  override readonly name = 'UnsafeResyncConfigError';
  readonly key: string;
  readonly retryable = false;

  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.key = key;
  }
}

export interface ResyncAuthSettings {
  /** `ingress.auth.resyncToken`, resolved. */
  readonly resyncToken?: string | undefined;
  /** `ingress.auth.sharedSecret`, resolved: only to check the two differ. */
  readonly webhookSecret?: string | undefined;
  /** `ingress.auth.allowUnauthenticatedResync`. */
  readonly allowUnauthenticated?: boolean;
  /** The host the ingress listens on. */
  readonly host: string;
}

/**
 * `POST /resync` starts a reconcile of every vault, so it has its own credential: the token in
 * the `x-akv-replicator-key` header (or `Authorization: Bearer <token>`). The webhook's secret
 * never opens it — that secret sits in the Event Grid subscription's endpoint URL, readable by
 * anyone who can read the subscription — and neither do Event Grid's Entra tokens. Without a
 * token `/resync` is closed (403), unless `allowUnauthenticated` is set and the ingress listens
 * on loopback only. Throws {@link UnsafeResyncConfigError} for any other combination.
 */
export function createResyncAuthenticator(settings: ResyncAuthSettings): RequestAuthenticator {
  const { resyncToken, webhookSecret, allowUnauthenticated = false, host } = settings;
  if (resyncToken !== undefined && webhookSecret !== undefined && resyncToken === webhookSecret)
    throw new UnsafeResyncConfigError(
      'ingress.auth.resyncToken',
      'must differ from ingress.auth.sharedSecret (the webhook secret is part of the Event Grid subscription URL)',
    );
  if (allowUnauthenticated && resyncToken !== undefined)
    throw new UnsafeResyncConfigError(
      'ingress.auth.allowUnauthenticatedResync',
      'set either resyncToken or allowUnauthenticatedResync, not both',
    );
  if (allowUnauthenticated && !isLoopbackHost(host))
    throw new UnsafeResyncConfigError(
      'ingress.auth.allowUnauthenticatedResync',
      `POST /resync without credentials is only allowed on a loopback host, not ${host}`,
    );
  return {
    enabled: resyncToken !== undefined,
    async authenticate({ headers }) {
      if (resyncToken === undefined)
        return allowUnauthenticated
          ? { ok: true, principal: 'anonymous-loopback' }
          : {
              ok: false,
              status: 403,
              reason: 'POST /resync is closed: set ingress.auth.resyncToken',
              cause: 'resync-disabled',
            };
      const presented =
        headerValue(headers[SHARED_SECRET_HEADER]) ??
        headerValue(headers.authorization)?.match(/^Bearer\s+(.+)$/i)?.[1];
      if (presented === undefined)
        return {
          ok: false,
          status: 401,
          reason: 'no credentials: send the resync token',
          cause: 'no-credentials',
        };
      return secretsEqual(presented, resyncToken)
        ? { ok: true, principal: 'resync-token' }
        : {
            ok: false,
            status: 403,
            reason: 'resync token does not match',
            cause: 'resync-disabled',
          };
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
