import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import {
  createDeliveryAuthenticator,
  secretsEqual,
  SHARED_SECRET_HEADER,
  type AuthDecision,
  type EntraSettings,
} from './delivery-auth';

/**
 * The rules of Event Grid delivery authentication, stated on the authenticator itself (the
 * server tests drive the same rules through HTTP): which credential is read from where, what
 * each refusal is called, and that a refusal never opens the door.
 */
const ISSUER = 'https://login.microsoftonline.com/tenant-id/v2.0';
const AUDIENCE = 'api://akv-replicator';

type Signer = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signer: Signer;
let strangerSigner: Signer;
let entra: EntraSettings;

before(async () => {
  const pair = await generateKeyPair('RS256');
  signer = pair.privateKey;
  strangerSigner = (await generateKeyPair('RS256')).privateKey;
  entra = {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: createLocalJWKSet({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
    }),
  };
});

/** A token as Entra issues it to Event Grid, with the given claims changed or removed. */
async function token(
  change: {
    claims?: JWTPayload;
    iss?: string;
    aud?: string;
    exp?: string | number | null;
    nbf?: string | number;
    kid?: string;
    key?: Signer;
  } = {},
): Promise<string> {
  const jwt = new SignJWT(change.claims ?? { oid: 'event-grid-app' })
    .setProtectedHeader({ alg: 'RS256', kid: change.kid ?? 'k1' })
    .setIssuer(change.iss ?? ISSUER)
    .setAudience(change.aud ?? AUDIENCE)
    .setIssuedAt();
  if (change.exp !== null) jwt.setExpirationTime(change.exp ?? '5m');
  if (change.nbf !== undefined) jwt.setNotBefore(change.nbf);
  return jwt.sign(change.key ?? signer);
}

const request = (
  headers: Record<string, string | string[] | undefined> = {},
  query: Record<string, unknown> = {},
) => ({ headers, query });
const bearer = (jwt: string) => request({ authorization: `Bearer ${jwt}` });

/** A refusal's status and cause, or the accepted principal. */
const outcome = (decision: AuthDecision) =>
  decision.ok
    ? { principal: decision.principal }
    : { status: decision.status, cause: decision.cause };

describe('delivery authentication with a shared secret', () => {
  const auth = () => createDeliveryAuthenticator({ sharedSecret: 'hook-secret' });

  it('takes the secret from the ?code= query or the x-akv-replicator-key header', async () => {
    assert.deepEqual(outcome(await auth().authenticate(request({}, { code: 'hook-secret' }))), {
      principal: 'shared-secret',
    });
    assert.deepEqual(
      outcome(await auth().authenticate(request({ [SHARED_SECRET_HEADER]: 'hook-secret' }))),
      { principal: 'shared-secret' },
    );
    assert.equal(SHARED_SECRET_HEADER, 'x-akv-replicator-key');
  });

  it('refuses a wrong secret with 403 wrong-shared-secret, never 401', async () => {
    for (const presented of [
      request({}, { code: 'old-secret' }),
      request({ [SHARED_SECRET_HEADER]: 'hook-secret-but-longer' }),
      request({}, { code: '' }),
    ]) {
      const decision = await auth().authenticate(presented);
      assert.deepEqual(outcome(decision), { status: 403, cause: 'wrong-shared-secret' });
      assert.ok(!decision.ok && decision.reason === 'shared secret does not match');
    }
  });

  it('reads the header before the query: a wrong header is not saved by a right ?code=', async () => {
    const decision = await auth().authenticate(
      request({ [SHARED_SECRET_HEADER]: 'wrong' }, { code: 'hook-secret' }),
    );
    assert.deepEqual(outcome(decision), { status: 403, cause: 'wrong-shared-secret' });
    const rightHeader = await auth().authenticate(
      request({ [SHARED_SECRET_HEADER]: 'hook-secret' }, { code: 'wrong' }),
    );
    assert.deepEqual(outcome(rightHeader), { principal: 'shared-secret' });
  });

  it('reads the first value of a repeated header and ignores a repeated (array) ?code=', async () => {
    assert.deepEqual(
      outcome(
        await auth().authenticate(request({ [SHARED_SECRET_HEADER]: ['hook-secret', 'other'] })),
      ),
      { principal: 'shared-secret' },
    );
    assert.deepEqual(
      outcome(await auth().authenticate(request({}, { code: ['hook-secret', 'hook-secret'] }))),
      { status: 401, cause: 'no-credentials' },
    );
  });

  it('refuses a caller without any credential with 401 no-credentials, naming both ways in', async () => {
    const decision = await auth().authenticate(request());
    assert.deepEqual(outcome(decision), { status: 401, cause: 'no-credentials' });
    assert.ok(!decision.ok);
    assert.match(decision.reason, /shared secret/);
    assert.match(decision.reason, /Entra bearer token/);
  });

  it('does not accept a bearer token when no Entra issuer is configured', async () => {
    const decision = await auth().authenticate(bearer(await token()));
    assert.deepEqual(outcome(decision), { status: 401, cause: 'no-credentials' });
  });

  it('is enabled', () => assert.equal(auth().enabled, true));
});

describe('delivery authentication with Entra tokens', () => {
  const auth = () => createDeliveryAuthenticator({ entra });
  const refusal = async (jwt: string) => outcome(await auth().authenticate(bearer(jwt)));

  it('accepts a valid token and names the caller by its oid, else its sub', async () => {
    assert.deepEqual(await refusal(await token()), { principal: 'entra:event-grid-app' });
    assert.deepEqual(await refusal(await token({ claims: { sub: 'subject-1' } })), {
      principal: 'entra:subject-1',
    });
    assert.deepEqual(
      await refusal(await token({ claims: { oid: 'object-1', sub: 'subject-1' } })),
      { principal: 'entra:object-1' },
    );
    assert.deepEqual(await refusal(await token({ claims: {} })), { principal: 'entra:?' });
  });

  it('reads the Bearer scheme in any letter case, followed by one or more spaces (RFC 6750)', async () => {
    const jwt = await token();
    for (const scheme of ['bearer ', 'BEARER ', 'Bearer   '])
      assert.deepEqual(
        outcome(await auth().authenticate(request({ authorization: `${scheme}${jwt}` }))),
        { principal: 'entra:event-grid-app' },
      );
  });

  it('does not take a token sent without the Bearer scheme', async () => {
    const jwt = await token();
    for (const authorization of [jwt, `Basic ${jwt}`, `xBearer ${jwt}`])
      assert.deepEqual(outcome(await auth().authenticate(request({ authorization }))), {
        status: 401,
        cause: 'no-credentials',
      });
  });

  it('names the cause of each rejected token, always with 403', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string>, string]> = [
      ['another audience', token({ aud: 'api://other' }), 'token-audience'],
      ['another issuer', token({ iss: 'https://login.example/other/v2.0' }), 'token-issuer'],
      ['expired an hour ago', token({ exp: now - 3600 }), 'token-expired'],
      ['no exp at all', token({ exp: null }), 'token-without-expiry'],
      [
        'an exp that is not a number',
        // A date string where a number belongs: typed JWT claims cannot say it, a forger can.
        token({
          exp: null,
          claims: { oid: 'event-grid-app', exp: '2099-01-01' } as unknown as JWTPayload,
        }),
        'token-without-expiry',
      ],
      ['signed by another key', token({ key: strangerSigner }), 'token-signature'],
      ['a key id the issuer does not publish', token({ kid: 'k2' }), 'token-signature'],
      ['not yet valid (nbf in an hour)', token({ nbf: now + 3600 }), 'token-invalid'],
      ['not a JWT', Promise.resolve('not.a.jwt'), 'token-invalid'],
    ];
    for (const [label, jwt, cause] of cases)
      assert.deepEqual(await refusal(await jwt), { status: 403, cause }, label);
  });

  it('answers 503 (retried) when the key source fails without a JOSE code: the token was never checked', async () => {
    // A key source other than jose's own fetch (EntraSettings.keys is any JWTVerifyGetKey)
    // fails the way Node's sockets do: a system error code, no verdict on the token.
    for (const code of ['ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', undefined]) {
      const keys = async () => {
        throw Object.assign(new Error('socket hang up'), code === undefined ? {} : { code });
      };
      const decision = await createDeliveryAuthenticator({
        entra: { ...entra, keys },
      }).authenticate(bearer(await token()));
      assert.deepEqual(
        outcome(decision),
        { status: 503, cause: 'key-endpoint-unavailable' },
        String(code),
      );
    }
  });

  it("says in the reason which check failed (jose's code), never the token", async () => {
    const jwt = await token({ aud: 'api://other' });
    const decision = await auth().authenticate(bearer(jwt));
    assert.ok(!decision.ok);
    assert.equal(decision.reason, 'bearer token rejected: ERR_JWT_CLAIM_VALIDATION_FAILED');
    const garbage = await auth().authenticate(bearer('a.b'));
    assert.ok(!garbage.ok);
    assert.match(garbage.reason, /^bearer token rejected: ERR_/);
  });

  it('does not take ?code= as a credential when no shared secret is configured', async () => {
    assert.deepEqual(outcome(await auth().authenticate(request({}, { code: 'anything' }))), {
      status: 401,
      cause: 'no-credentials',
    });
  });
});

describe('delivery authentication with both credentials configured', () => {
  const auth = () => createDeliveryAuthenticator({ sharedSecret: 'hook-secret', entra });

  it('accepts either one', async () => {
    assert.deepEqual(outcome(await auth().authenticate(request({}, { code: 'hook-secret' }))), {
      principal: 'shared-secret',
    });
    assert.deepEqual(outcome(await auth().authenticate(bearer(await token()))), {
      principal: 'entra:event-grid-app',
    });
  });

  it('judges a presented secret on its own: a valid token beside a wrong secret is refused', async () => {
    const decision = await auth().authenticate(
      request({ authorization: `Bearer ${await token()}` }, { code: 'wrong' }),
    );
    assert.deepEqual(outcome(decision), { status: 403, cause: 'wrong-shared-secret' });
  });
});

describe('delivery authentication with nothing configured (local mode)', () => {
  it('accepts every delivery as anonymous and says it is not enabled', async () => {
    const auth = createDeliveryAuthenticator({});
    assert.equal(auth.enabled, false);
    assert.deepEqual(outcome(await auth.authenticate(request())), { principal: 'anonymous' });
    assert.deepEqual(outcome(await auth.authenticate(request({}, { code: 'x' }))), {
      principal: 'anonymous',
    });
  });

  it('is enabled as soon as either credential is configured', () => {
    assert.equal(createDeliveryAuthenticator({ entra }).enabled, true);
    assert.equal(createDeliveryAuthenticator({ sharedSecret: 's' }).enabled, true);
  });
});

describe('secretsEqual', () => {
  it('is true only for the same string, whatever the lengths', () => {
    assert.equal(secretsEqual('hook-secret', 'hook-secret'), true);
    assert.equal(secretsEqual('hook-secret', 'hook-secreT'), false);
    assert.equal(secretsEqual('hook-secret', 'hook-secret '), false);
    assert.equal(secretsEqual('', 'hook-secret'), false);
    assert.equal(secretsEqual('', ''), true);
  });
});
