import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type AuthDecision } from './delivery-auth';
import { createResyncAuthenticator, UnsafeResyncConfigError } from './resync-auth';

/**
 * The rules of `POST /resync` authentication on the authenticator itself: its own token, never
 * the webhook's secret, and open without credentials only on loopback when asked to be.
 */
const outcome = (decision: AuthDecision) =>
  decision.ok
    ? { principal: decision.principal }
    : { status: decision.status, cause: decision.cause };
const call = (headers: Record<string, string | string[] | undefined> = {}) => ({
  headers,
  query: {},
});

describe('POST /resync with a resync token', () => {
  const auth = () =>
    createResyncAuthenticator({ resyncToken: 'resync', webhookSecret: 'hook', host: '0.0.0.0' });

  it('accepts the token in the x-akv-replicator-key header or as a Bearer token', async () => {
    for (const headers of [
      { 'x-akv-replicator-key': 'resync' },
      { 'x-akv-replicator-key': ['resync', 'other'] },
      { authorization: 'Bearer resync' },
      { authorization: 'bearer resync' },
      // RFC 6750: the scheme, then one or more spaces, then the token.
      { authorization: 'Bearer   resync' },
      { authorization: ['Bearer resync'] },
    ])
      assert.deepEqual(outcome(await auth().authenticate(call(headers))), {
        principal: 'resync-token',
      });
    assert.equal(auth().enabled, true);
  });

  it('refuses a wrong token — the webhook secret included — with 403', async () => {
    for (const headers of [
      { 'x-akv-replicator-key': 'hook' },
      { authorization: 'Bearer hook' },
      { 'x-akv-replicator-key': 'resync ' },
    ]) {
      const decision = await auth().authenticate(call(headers));
      assert.deepEqual(outcome(decision), { status: 403, cause: 'resync-disabled' });
      assert.ok(!decision.ok);
      assert.equal(decision.reason, 'resync token does not match');
    }
  });

  it('reads the header before Authorization: a wrong header is not saved by a right Bearer', async () => {
    const decision = await auth().authenticate(
      call({ 'x-akv-replicator-key': 'wrong', authorization: 'Bearer resync' }),
    );
    assert.deepEqual(outcome(decision), { status: 403, cause: 'resync-disabled' });
  });

  it('refuses a call without credentials with 401, asking for the resync token', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic cmVzeW5j' },
      { authorization: 'resync' },
      // Only the Bearer scheme carries the token: another scheme ending in "Bearer" does not.
      { authorization: 'xBearer resync' },
      { authorization: 'Basic Bearer resync' },
    ]) {
      const decision = await auth().authenticate(call(headers));
      assert.deepEqual(outcome(decision), { status: 401, cause: 'no-credentials' });
      assert.ok(!decision.ok);
      assert.equal(decision.reason, 'no credentials: send the resync token');
    }
  });

  it('ignores ?code= (the webhook credential sits in the subscription URL)', async () => {
    const decision = await auth().authenticate({ headers: {}, query: { code: 'resync' } });
    assert.deepEqual(outcome(decision), { status: 401, cause: 'no-credentials' });
  });
});

describe('POST /resync without a resync token', () => {
  it('is closed (403 resync-disabled, naming the setting) unless opened on loopback', async () => {
    const auth = createResyncAuthenticator({ webhookSecret: 'hook', host: '127.0.0.1' });
    assert.equal(auth.enabled, false);
    for (const headers of [{}, { 'x-akv-replicator-key': 'hook' }]) {
      const decision = await auth.authenticate(call(headers));
      assert.deepEqual(outcome(decision), { status: 403, cause: 'resync-disabled' });
      assert.ok(!decision.ok);
      assert.match(decision.reason, /ingress\.auth\.resyncToken/);
    }
  });

  it('is open on a loopback host when allowUnauthenticated is set', async () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      const auth = createResyncAuthenticator({ allowUnauthenticated: true, host });
      assert.deepEqual(outcome(await auth.authenticate(call())), {
        principal: 'anonymous-loopback',
      });
      assert.equal(auth.enabled, false, 'no credential is checked');
    }
  });
});

describe('unsafe resync settings are refused at start', () => {
  const refused = (settings: Parameters<typeof createResyncAuthenticator>[0], key: string) =>
    assert.throws(
      () => createResyncAuthenticator(settings),
      (error: unknown) =>
        error instanceof UnsafeResyncConfigError &&
        error.name === 'UnsafeResyncConfigError' &&
        error.key === key &&
        error.retryable === false &&
        error.message.startsWith(`${key}: `),
    );

  it('a resync token equal to the webhook secret, saying they must differ and why', () => {
    refused(
      { resyncToken: 'same', webhookSecret: 'same', host: '127.0.0.1' },
      'ingress.auth.resyncToken',
    );
    assert.throws(
      () => createResyncAuthenticator({ resyncToken: 'same', webhookSecret: 'same', host: '::1' }),
      /must differ from ingress\.auth\.sharedSecret \(the webhook secret is part of the Event Grid subscription URL\)$/,
    );
    // Different tokens, or no webhook secret at all, are fine.
    createResyncAuthenticator({ resyncToken: 'a', webhookSecret: 'b', host: '0.0.0.0' });
    createResyncAuthenticator({ resyncToken: 'a', host: '0.0.0.0' });
  });

  it('a resync token together with allowUnauthenticatedResync, asking for one of the two', () => {
    refused(
      { resyncToken: 'token', allowUnauthenticated: true, host: '127.0.0.1' },
      'ingress.auth.allowUnauthenticatedResync',
    );
    assert.throws(
      () =>
        createResyncAuthenticator({
          resyncToken: 'token',
          allowUnauthenticated: true,
          host: '127.0.0.1',
        }),
      /: set either resyncToken or allowUnauthenticatedResync, not both$/,
    );
  });

  it('allowUnauthenticatedResync on a host other than loopback, naming the host', () => {
    for (const host of ['0.0.0.0', '10.0.0.4', '::']) {
      refused({ allowUnauthenticated: true, host }, 'ingress.auth.allowUnauthenticatedResync');
      assert.throws(
        () => createResyncAuthenticator({ allowUnauthenticated: true, host }),
        new RegExp(`loopback host, not ${host.replace(/\./g, '\\.')}$`),
      );
    }
  });
});
