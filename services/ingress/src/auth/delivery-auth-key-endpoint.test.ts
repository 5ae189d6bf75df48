import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createDeliveryAuthenticator, entraFromJwksUri, type AuthDecision } from './delivery-auth';

/**
 * A bearer token is checked against the keys at `ingress.auth.entra.jwksUri`, fetched by jose.
 * When those keys cannot be read the token was never judged, and the answer must be one Event
 * Grid retries: it retries 503 on its schedule but never 400/401/403/413
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry), so a 403 here would lose
 * the event until the next reconcile. Driven against a real key endpoint on loopback.
 */
const ISSUER = 'https://login.microsoftonline.com/tenant-id/v2.0';
const AUDIENCE = 'api://akv-replicator';

type KeyEndpointAnswer = { status: number; body: string } | 'hang';
let answer: KeyEndpointAnswer;
let server: Server;
let jwksUri: string;
let token: string;
let strangerToken: string;
let keySet: string;

before(async () => {
  const pair = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  keySet = JSON.stringify({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
  });
  const sign = (key: typeof pair.privateKey) =>
    new SignJWT({ oid: 'event-grid-app' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  token = await sign(pair.privateKey);
  strangerToken = await sign(stranger.privateKey);
  server = createServer((_request, response) => {
    if (answer === 'hang') return; // never answers: jose's own fetch timeout ends it
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A fresh authenticator (jose caches a key set it has read) and the decision on `jwt`. */
async function decide(jwt: string, uri = jwksUri): Promise<AuthDecision> {
  const entra = entraFromJwksUri({ issuer: ISSUER, audience: AUDIENCE, jwksUri: uri });
  return createDeliveryAuthenticator({ entra }).authenticate({
    headers: { authorization: `Bearer ${jwt}` },
    query: {},
  });
}

const refusal = (decision: AuthDecision) =>
  decision.ok
    ? { accepted: decision.principal }
    : { status: decision.status, cause: decision.cause };

describe('delivery authentication when the signing keys cannot be read', () => {
  it('accepts a good token while the key endpoint answers with the key set', async () => {
    answer = { status: 200, body: keySet };
    assert.deepEqual(refusal(await decide(token)), { accepted: 'entra:event-grid-app' });
  });

  it('still refuses a token the readable keys did not sign (403, never retried)', async () => {
    answer = { status: 200, body: keySet };
    assert.deepEqual(refusal(await decide(strangerToken)), {
      status: 403,
      cause: 'token-signature',
    });
  });

  for (const [what, endpointAnswer] of [
    ['answers 500', { status: 500, body: '{"error":"down"}' }],
    ['answers 404', { status: 404, body: '' }],
    ['answers something other than JSON', { status: 200, body: '<html>proxy login</html>' }],
    ['answers JSON that is no key set', { status: 200, body: '{"keys":"none"}' }],
  ] as const)
    it(`answers 503 (retried) when the key endpoint ${what}`, async () => {
      answer = endpointAnswer;
      const decision = await decide(token);
      assert.deepEqual(refusal(decision), { status: 503, cause: 'key-endpoint-unavailable' });
      assert.match(decision.ok ? '' : decision.reason, /signing keys unavailable/);
    });

  it('answers 503 when nothing listens at the key endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    assert.deepEqual(refusal(await decide(token, `http://127.0.0.1:${port}/keys`)), {
      status: 503,
      cause: 'key-endpoint-unavailable',
    });
  });

  it('answers 503 when the key endpoint never answers (jose gives up after its 5 s timeout)', async () => {
    answer = 'hang';
    assert.deepEqual(refusal(await decide(token)), {
      status: 503,
      cause: 'key-endpoint-unavailable',
    });
  });
});
