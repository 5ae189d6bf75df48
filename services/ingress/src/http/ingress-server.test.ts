import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import { MemoryLogger, parseEnvelope, type AnyEnvelope } from '@akv-replicator/core';
import type { Publisher, PublishOptions } from '@akv-replicator/bus';
import { createDeliveryAuthenticator } from '../auth/delivery-auth';
import { createIngressServer } from './ingress-server';

/** Records what reached the bus; de-duplicates by id like every transport does. */
class RecordingPublisher implements Publisher {
  readonly published: { topic: string; envelope: AnyEnvelope }[] = [];
  failing = false;
  async publish(
    topic: string,
    envelope: Parameters<Publisher['publish']>[1],
    _options?: PublishOptions,
  ) {
    if (this.failing) throw new Error('connection refused');
    const duplicate = this.published.some(
      (p) => p.topic === topic && p.envelope.id === envelope.id,
    );
    if (!duplicate)
      this.published.push({ topic, envelope: parseEnvelope(JSON.parse(JSON.stringify(envelope))) });
    return { duplicate };
  }

  /** What reached the bus besides the ingress's own refusal reports (on `outcomes`). */
  work() {
    return this.published.filter((p) => p.topic !== 'outcomes');
  }
}

const CANARY = 'CANARY-9d8c7b';
const VERSION = 'a'.repeat(32);
const kvData = (name = 'db-password', vault = 'kv-src') => ({
  Id: `https://${vault}.vault.azure.net/secrets/${name}/${VERSION}`,
  VaultName: vault,
  ObjectType: 'Secret',
  ObjectName: name,
  Version: VERSION,
  NBF: null,
  EXP: 1_900_000_000,
});
const egEvent = (
  id: string,
  data: object = kvData(),
  eventType = 'Microsoft.KeyVault.SecretNewVersionCreated',
) => ({
  id,
  topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-src',
  subject: 'db-password',
  eventType,
  eventTime: '2026-11-23T12:00:00Z',
  data,
  dataVersion: '1',
  metadataVersion: '1',
});
const ceEvent = (id: string, data: object = kvData()) => ({
  specversion: '1.0',
  id,
  source: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-src',
  type: 'Microsoft.KeyVault.SecretNewVersionCreated',
  subject: 'db-password',
  time: '2026-11-23T12:00:00Z',
  data,
});

let publisher: RecordingPublisher;
let logger: MemoryLogger;
let app: ReturnType<typeof createIngressServer>;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let jwks: ReturnType<typeof createLocalJWKSet>;

before(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  jwks = createLocalJWKSet({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
  });
});

beforeEach(async () => {
  publisher = new RecordingPublisher();
  logger = new MemoryLogger();
  app = createIngressServer({
    publisher,
    deliveryAuth: createDeliveryAuthenticator({
      sharedSecret: 's3cret',
      entra: {
        issuer: 'https://login.example/tenant/v2.0',
        audience: 'api://akv-replicator',
        keys: jwks,
      },
    }),
    resyncAuth: createDeliveryAuthenticator({ sharedSecret: 'resync-token' }),
    maxBodyBytes: 1024 * 1024,
    logger,
  });
  await app.ready();
});
after(async () => app?.close());

const post = (
  body: unknown,
  {
    headers = {},
    query = '?code=s3cret',
    raw,
  }: { headers?: Record<string, string>; query?: string; raw?: string } = {},
) =>
  app.inject({
    method: 'POST',
    url: `/eventgrid${query}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: raw ?? JSON.stringify(body),
  });

describe('Event Grid webhook', () => {
  it('answers the EventGrid subscription validation handshake', async () => {
    const response = await post(
      [
        {
          id: 'v',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: '2026-11-23T12:00:00Z',
          data: { validationCode: 'abc-123' },
        },
      ],
      { headers: { 'aeg-event-type': 'SubscriptionValidation' } },
    );
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { validationResponse: 'abc-123' });
    assert.equal(publisher.work().length, 0);
  });

  it('answers the CloudEvents webhook validation (OPTIONS)', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/eventgrid?code=s3cret',
      headers: { 'webhook-request-origin': 'eventgrid.azure.net' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['webhook-allowed-origin'], 'eventgrid.azure.net');
  });

  it('publishes each Key Vault event of an EventGrid array, normalised, with the event id as message id', async () => {
    const response = await post([egEvent('e1'), egEvent('e2', kvData('api-key'))], {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { published: 2, duplicates: 0, ignored: 0 });
    const [first] = publisher.published;
    assert.equal(first?.topic, 'vault-events');
    assert.equal(first?.envelope.id, 'e1');
    assert.equal(
      first?.envelope.traceparent,
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    assert.deepEqual(first?.envelope.type === 'akv.vault.event.v1' && first.envelope.data, {
      eventId: 'e1',
      kind: 'SecretNewVersionCreated',
      objectKind: 'secret',
      vault: { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' },
      objectName: 'db-password',
      version: VERSION,
      notBefore: null,
      expires: 1_900_000_000,
      eventTime: '2026-11-23T12:00:00Z',
      input: 'webhook',
    });
  });

  it('accepts CloudEvents: structured, batch and binary mode', async () => {
    assert.equal(
      (await post(ceEvent('c1'), { headers: { 'content-type': 'application/cloudevents+json' } }))
        .statusCode,
      200,
    );
    assert.equal(
      (
        await post([ceEvent('c2'), ceEvent('c3')], {
          headers: { 'content-type': 'application/cloudevents-batch+json' },
        })
      ).statusCode,
      200,
    );
    const binary = await post(kvData('binary-one'), {
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'c4',
        'ce-type': 'Microsoft.KeyVault.SecretNewVersionCreated',
        'ce-source': '/vaults/kv-src',
        'ce-time': '2026-11-23T12:00:00Z',
      },
    });
    assert.equal(binary.statusCode, 200);
    assert.deepEqual(
      publisher.published.map((p) => p.envelope.id),
      ['c1', 'c2', 'c3', 'c4'],
    );
  });

  it('lets a redelivered event through only once', async () => {
    await post([egEvent('e1')]);
    const again = await post([egEvent('e1')]);
    assert.deepEqual(again.json(), { published: 0, duplicates: 1, ignored: 0 });
    assert.equal(publisher.published.length, 1);
  });

  it('ignores events it does not replicate without failing the delivery', async () => {
    const response = await post([
      egEvent('x1', {}, 'Microsoft.KeyVault.VaultAccessPolicyChanged'),
      egEvent('x2', {}, 'Microsoft.Storage.BlobCreated'),
    ]);
    assert.deepEqual(response.json(), { published: 0, duplicates: 0, ignored: 2 });
  });

  const malformed: Array<[string, Parameters<typeof post>[1] & { body?: unknown }]> = [
    ['non-JSON', { raw: '{"id":' }],
    ['an object that is no event', { body: { hello: 'world' } }],
    ['an empty array', { body: [] }],
    ['an event without data', { body: [{ ...egEvent('m1'), data: undefined }] }],
    [
      'an Id naming another object',
      { body: [egEvent('m2', { ...kvData(), ObjectName: 'other' })] },
    ],
    ['a bad vault name', { body: [egEvent('m3', { ...kvData(), VaultName: `_${CANARY}` })] }],
    [
      'a CloudEvent without source',
      {
        body: { ...ceEvent('m4'), source: undefined },
        headers: { 'content-type': 'application/cloudevents+json' },
      },
    ],
  ];
  for (const [label, { body, ...options }] of malformed) {
    it(`rejects ${label} with 400 and publishes nothing, even alongside valid events`, async () => {
      const payload = Array.isArray(body) && body.length > 0 ? [egEvent('ok-1'), ...body] : body;
      const response = await post(payload, options);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(publisher.work().length, 0);
      assert.ok(
        !response.body.includes(CANARY) && !logger.text().includes(CANARY),
        'rejections never echo the payload',
      );
    });
  }

  it('rejects bodies over the limit with 413 and publishes nothing', async () => {
    const big = [egEvent('big', { ...kvData(), padding: 'x'.repeat(1024 * 1024) })];
    const response = await post(big);
    assert.equal(response.statusCode, 413);
    assert.equal(publisher.work().length, 0);
  });

  it('answers 503 when the bus is down, so Event Grid retries', async () => {
    publisher.failing = true;
    const response = await post([egEvent('e1')]);
    assert.equal(response.statusCode, 503);
  });
});

describe('delivery authentication', () => {
  const token = (claims: { aud?: string; iss?: string }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(claims.iss ?? 'https://login.example/tenant/v2.0')
      .setAudience(claims.aud ?? 'api://akv-replicator')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  it('accepts the shared secret in the query or header, and a valid Entra token', async () => {
    assert.equal((await post([egEvent('a1')], { query: '?code=s3cret' })).statusCode, 200);
    assert.equal(
      (await post([egEvent('a2')], { query: '', headers: { 'x-akv-replicator-key': 's3cret' } }))
        .statusCode,
      200,
    );
    assert.equal(
      (
        await post([egEvent('a3')], {
          query: '',
          headers: { authorization: `Bearer ${await token({})}` },
        })
      ).statusCode,
      200,
    );
    assert.equal(publisher.published.length, 3);
  });

  const refused: Array<[string, () => Promise<Parameters<typeof post>[1]>, number]> = [
    ['no credentials', async () => ({ query: '' }), 401],
    ['a wrong shared secret', async () => ({ query: '?code=nope' }), 403],
    [
      'a token for another audience',
      async () => ({
        query: '',
        headers: { authorization: `Bearer ${await token({ aud: 'api://other' })}` },
      }),
      403,
    ],
    [
      'a token from another issuer',
      async () => ({
        query: '',
        headers: { authorization: `Bearer ${await token({ iss: 'https://evil.example' })}` },
      }),
      403,
    ],
    [
      'a garbage token',
      async () => ({ query: '', headers: { authorization: 'Bearer not.a.jwt' } }),
      403,
    ],
  ];
  for (const [label, options, status] of refused) {
    it(`refuses ${label} with ${status} and publishes nothing`, async () => {
      const response = await post([egEvent('r1')], await options());
      assert.equal(response.statusCode, status);
      assert.equal(publisher.work().length, 0);
    });
  }
});

describe('POST /resync', () => {
  const resync = (body: unknown, authorization?: string) =>
    app.inject({
      method: 'POST',
      url: '/resync',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { 'x-akv-replicator-key': authorization } : {}),
      },
      payload: JSON.stringify(body),
    });

  it('publishes a resync command and answers with its id', async () => {
    const response = await resync(
      { vault: 'kv-src', objectName: 'db-password', dryRun: true },
      'resync-token',
    );
    assert.equal(response.statusCode, 202);
    const { resyncId } = response.json() as { resyncId: string };
    const [command] = publisher.published;
    assert.equal(command?.topic, 'resync-commands');
    assert.equal(command?.envelope.id, resyncId);
    assert.ok(
      command?.envelope.type === 'akv.resync.command.v1' &&
        command.envelope.data.dryRun &&
        command.envelope.data.vault === 'kv-src',
    );
  });

  it('refuses unauthenticated and invalid requests', async () => {
    assert.equal((await resync({})).statusCode, 401);
    assert.equal(
      (await resync({ objectName: 'x' }, 'resync-token')).statusCode,
      400,
      'objectName needs vault',
    );
    assert.equal(publisher.work().length, 0);
  });
});

describe('health', () => {
  it('reports liveness and readiness', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  });
});

describe('webhook disabled (ingress.inputs.webhook.enabled: false)', () => {
  it('serves no /eventgrid, but still /resync and health', async () => {
    const off = createIngressServer({
      publisher,
      deliveryAuth: createDeliveryAuthenticator({}),
      resyncAuth: createDeliveryAuthenticator({}),
      maxBodyBytes: 1024,
      webhook: false,
    });
    try {
      const delivery = await off.inject({
        method: 'POST',
        url: '/eventgrid',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify([egEvent('off-1')]),
      });
      assert.equal(delivery.statusCode, 404);
      assert.equal((await off.inject({ method: 'OPTIONS', url: '/eventgrid' })).statusCode, 404);
      const resync = await off.inject({ method: 'POST', url: '/resync', payload: '' });
      assert.equal(resync.statusCode, 202);
      assert.equal((await off.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await off.close();
    }
  });
});
