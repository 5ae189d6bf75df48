import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import { loadConfigText } from '@akv-replicator/core';
import { UnsafeResyncConfigError } from '../auth/resync-auth';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressHttp } from './ingress-from-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n';
const ISSUER = 'https://login.example/tenant/v2.0';
const AUDIENCE = 'api://akv-replicator';

const ingressConfig = (yaml = '') => loadConfigText(LINK + yaml, { env: {} }).config.ingress;

async function server(
  yaml: string,
  secrets: { sharedSecret?: string; resyncToken?: string },
  host?: string,
) {
  const publisher = new RecordingPublisher();
  const pair = await generateKeyPair('RS256');
  const entraKeys = createLocalJWKSet({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
  });
  const app = createIngressHttp(ingressConfig(yaml), {
    publisher,
    secrets,
    entraKeys,
    ...(host ? { host } : {}),
  });
  await app.ready();
  const eventGridToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(pair.privateKey);
  const resync = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/resync',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
  return { app, publisher, resync, eventGridToken };
}

const ENTRA = `ingress:\n  auth:\n    entra: { issuer: '${ISSUER}', audience: '${AUDIENCE}', jwksUri: 'https://login.example/keys' }\n`;

describe('POST /resync has its own credential', () => {
  it('is closed (403) when no resyncToken is configured, even to the webhook secret', async () => {
    const { app, publisher, resync } = await server('', { sharedSecret: 'hook' });
    try {
      const response = await resync('{}', { 'x-akv-replicator-key': 'hook' });
      assert.equal(response.statusCode, 403);
      assert.match(response.body, /ingress\.auth\.resyncToken/);
      assert.deepEqual(publisher.resyncCommands(), []);
      assert.equal(publisher.outcomes()[0]?.code, 'IngressDeliveryRefused');
    } finally {
      await app.close();
    }
  });

  it('accepts only the resync token: not the webhook secret, not an Event Grid Entra token', async () => {
    const { app, publisher, resync, eventGridToken } = await server(ENTRA, {
      sharedSecret: 'hook',
      resyncToken: 'resync',
    });
    try {
      assert.equal((await resync('{}')).statusCode, 401);
      assert.equal((await resync('{}', { 'x-akv-replicator-key': 'hook' })).statusCode, 403);
      assert.equal(
        (await resync('{}', { authorization: `Bearer ${eventGridToken}` })).statusCode,
        403,
      );
      assert.deepEqual(publisher.resyncCommands(), []);
      assert.equal((await resync('{}', { 'x-akv-replicator-key': 'resync' })).statusCode, 202);
      assert.equal((await resync('{}', { authorization: 'Bearer resync' })).statusCode, 202);
      assert.equal(publisher.resyncCommands().length, 2);
    } finally {
      await app.close();
    }
  });

  it('refuses to start when the resync token is the webhook secret', async () => {
    await assert.rejects(
      async () => server('', { sharedSecret: 'same', resyncToken: 'same' }),
      (error: unknown) =>
        error instanceof UnsafeResyncConfigError && error.key === 'ingress.auth.resyncToken',
    );
  });

  it('is open without credentials only when configured so and listening on loopback', async () => {
    const open = 'ingress:\n  host: 127.0.0.1\n  auth: { allowUnauthenticatedResync: true }\n';
    const { app, publisher, resync } = await server(open, {});
    try {
      assert.equal((await resync('{}')).statusCode, 202);
      assert.equal(publisher.resyncCommands()[0]?.requestedBy, 'http:anonymous-loopback');
    } finally {
      await app.close();
    }
    // The listen address can be overridden at start (up --local, tests): checked there too.
    await assert.rejects(
      async () => server(open, {}, '0.0.0.0'),
      (error: unknown) =>
        error instanceof UnsafeResyncConfigError &&
        error.key === 'ingress.auth.allowUnauthenticatedResync',
    );
  });
});

describe('POST /resync takes only what a caller may choose', () => {
  it('assigns the resyncId and requestedAt itself, and requestedBy from the credential', async () => {
    const { app, publisher, resync } = await server('', { resyncToken: 'resync' });
    try {
      const response = await resync(
        JSON.stringify({
          resyncId: 'chosen-by-caller',
          requestedBy: 'someone-else',
          requestedAt: '2001-01-01T00:00:00Z',
          vault: 'kv-a',
          dryRun: true,
        }),
        { 'x-akv-replicator-key': 'resync' },
      );
      assert.equal(response.statusCode, 202);
      const { resyncId } = response.json() as { resyncId: string };
      assert.notEqual(resyncId, 'chosen-by-caller');
      const [command] = publisher.resyncCommands();
      assert.equal(command?.resyncId, resyncId);
      assert.equal(command?.requestedBy, 'http:resync-token');
      assert.notEqual(command?.requestedAt, '2001-01-01T00:00:00Z');
      assert.equal(command?.vault, 'kv-a');
      assert.equal(command?.dryRun, true);
    } finally {
      await app.close();
    }
  });

  for (const body of ['[]', 'null', '"everything"', '42', 'true', '[{"vault":"kv-a"}]'])
    it(`answers 400 to a body that is not an object: ${body}`, async () => {
      const { app, publisher, resync } = await server('', { resyncToken: 'resync' });
      try {
        const response = await resync(body, { 'x-akv-replicator-key': 'resync' });
        assert.equal(response.statusCode, 400);
        assert.deepEqual(publisher.resyncCommands(), []);
      } finally {
        await app.close();
      }
    });
});
