import type { RefusalCause } from './delivery-auth';

/** Every reason the ingress refuses a request, the auth ones and the payload ones. */
export type IngressRefusalCause = RefusalCause | 'malformed-delivery' | 'body-too-large';

/**
 * The likely cause of each refusal, in the words of the setting to check. Event Grid does not
 * retry a webhook answered 400, 401, 403 or 413 (503, the answer when the keys to check a
 * token cannot be read, it retries) — it dead-letters or drops the event
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry) — so each of these is an
 * event lost until the next reconcile: the operator has to hear about it, with a lead.
 */
export const LIKELY_CAUSES: Readonly<Record<IngressRefusalCause, string>> = {
  'no-credentials':
    'the caller sent neither the shared secret (?code= or the x-akv-replicator-key header) nor a bearer token: the event subscription endpoint lacks the secret, or its Entra authentication is off',
  'wrong-shared-secret':
    'the shared secret sent does not match ingress.auth.sharedSecret: it was rotated on one side only, or the event subscription endpoint holds an old one',
  'token-audience':
    "the bearer token is for another audience: the event subscription's Entra application id or URI must equal ingress.auth.entra.audience",
  'token-issuer':
    'the bearer token comes from another issuer: ingress.auth.entra.issuer must name the tenant of the Entra application the event subscription uses',
  'token-expired':
    'the bearer token has expired: the ingress clock is off, or a recorded request is being replayed',
  'token-without-expiry':
    'the bearer token has no valid expiry (none, or not a number): Entra always sets one, so this was not issued to Event Grid (forged or hand-made)',
  'token-signature':
    'the bearer token signature matches no key of ingress.auth.entra.jwksUri: the jwksUri names another tenant or cloud, or the token is not from Entra',
  'token-invalid':
    'the bearer token could not be read as a JWT: the caller is not Event Grid, or a proxy rewrote the Authorization header',
  'key-endpoint-unavailable':
    'the signing keys at ingress.auth.entra.jwksUri could not be read (unreachable, timed out, not a key set): the token was not checked and the delivery answered 503, which Event Grid retries — check egress from the ingress to the jwksUri',
  'resync-disabled':
    'POST /resync needs ingress.auth.resyncToken (its own credential, never the webhook secret): none is configured, or the caller sent the wrong one',
  'malformed-delivery':
    'the body is not an Event Grid or CloudEvents 1.0 delivery (or a CloudEvent has no id): check the event subscription schema and endpoint, or who else calls this URL',
  'body-too-large':
    'the delivery is larger than ingress.maxBodyBytes: raise it, or lower the event subscription maximum events per batch',
};
