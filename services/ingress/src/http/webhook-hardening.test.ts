import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import { loadConfigText } from '@akv-replicator/core';
import type { Refusal } from '../auth/refusal-reporter';
import { eventGridEvent } from '../testing/event-fixtures';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressHttp } from './ingress-from-config';

const ISSUER = 'https://login.example/tenant/v2.0';
const AUDIENCE = 'api://akv-replicator';
const CONFIG = `links:
  - name: l
    source: { vault: kv-a }
    replicas: [{ vault: kv-b, region: a }]
ingress:
  refusalReportIntervalSeconds: 60
  auth:
    entra: { issuer: '${ISSUER}', audience: '${AUDIENCE}', jwksUri: 'https://login.example/keys' }
`;

async function world() {
  const publisher = new RecordingPublisher();
  const counted: Refusal[] = [];
  const clock = { now: 1_000_000 };
  const pair = await generateKeyPair('RS256');
  const app = createIngressHttp(loadConfigText(CONFIG, { env: {} }).config.ingress, {
    publisher,
    secrets: { sharedSecret: 'hook', resyncToken: 'resync' },
    entraKeys: createLocalJWKSet({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
    }),
    now: () => clock.now,
    countRefusal: (refusal) => counted.push(refusal),
  });
  await app.ready();
  const token = (expires: boolean) => {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt();
    return (expires ? jwt.setExpirationTime('5m') : jwt).sign(pair.privateKey);
  };
  const post = (body: unknown, headers: Record<string, string> = {}, query = '?code=hook') =>
    app.inject({
      method: 'POST',
      url: `/eventgrid${query}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  return { app, publisher, counted, clock, token, post };
}

const validation = (code: unknown) => ({
  id: 'v1',
  topic: '/subscriptions/s',
  subject: '',
  eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
  eventTime: '2026-11-23T12:00:00Z',
  data: { validationCode: code },
  dataVersion: '1',
  metadataVersion: '1',
});

describe('the CloudEvents handshake (OPTIONS) is authenticated like deliveries', () => {
  it('refuses it without credentials or with the wrong secret, and allows no origin', async () => {
    const { app, counted } = await world();
    try {
      for (const [url, status] of [
        ['/eventgrid', 401],
        ['/eventgrid?code=wrong', 403],
      ] as const) {
        const response = await app.inject({
          method: 'OPTIONS',
          url,
          headers: { 'webhook-request-origin': 'eventgrid.azure.net' },
        });
        assert.equal(response.statusCode, status, url);
        assert.equal(response.headers['webhook-allowed-origin'], undefined);
      }
      assert.deepEqual(
        counted.map((r) => r.cause),
        ['no-credentials', 'wrong-shared-secret'],
      );
    } finally {
      await app.close();
    }
  });
});

describe('the EventGrid validation handshake', () => {
  it('echoes a GUID, refuses an oversized or non-printable code', async () => {
    const { app, post } = await world();
    try {
      const guid = '512d38b6-c7b8-40c8-89fe-f46f9e9622b6';
      assert.deepEqual((await post([validation(guid)])).json(), { validationResponse: guid });
      for (const code of ['x'.repeat(129), 'two words', 'line\nbreak', '', 42])
        assert.equal((await post([validation(code)])).statusCode, 400, JSON.stringify(code));
      assert.equal((await post([validation('x'.repeat(128))])).statusCode, 200);
    } finally {
      await app.close();
    }
  });

  it('does not drop Key Vault events delivered beside a validation event', async () => {
    const { app, post, publisher } = await world();
    try {
      const response = await post([validation('abc'), eventGridEvent('kv-1')]);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), {
        validationResponse: 'abc',
        published: 1,
        duplicates: 0,
        ignored: 1,
      });
      assert.deepEqual(
        publisher.vaultEvents().map((e) => e.eventId),
        ['kv-1'],
      );
    } finally {
      await app.close();
    }
  });
});

describe('Entra tokens', () => {
  it('refuses a token without exp (403, cause token-without-expiry), accepts one with it', async () => {
    const { app, post, counted, token } = await world();
    try {
      const forever = await post(
        [eventGridEvent('e1')],
        {
          authorization: `Bearer ${await token(false)}`,
        },
        '',
      );
      assert.equal(forever.statusCode, 403);
      assert.equal(counted[0]?.cause, 'token-without-expiry');
      const bounded = await post(
        [eventGridEvent('e2')],
        {
          authorization: `Bearer ${await token(true)}`,
        },
        '',
      );
      assert.equal(bounded.statusCode, 200);
    } finally {
      await app.close();
    }
  });
});

describe('refused deliveries are loud (ingress.refusalReportIntervalSeconds: 60)', () => {
  it('counts every refusal and reports one outcome per cause per interval, naming the likely cause', async () => {
    const { app, post, publisher, counted, clock } = await world();
    try {
      const wrongSecret = () => post([eventGridEvent('r')], {}, '?code=old-secret');
      assert.equal((await wrongSecret()).statusCode, 403);
      clock.now += 30_000;
      await wrongSecret();
      assert.equal((await post('not an event grid delivery')).statusCode, 400);
      clock.now += 29_999; // 59.999 s after the first report: still inside the interval
      await wrongSecret();
      clock.now += 1; // 60 s: a new report, carrying the two held back and this one
      await wrongSecret();

      assert.equal(counted.length, 5, 'every refusal is counted');
      const reports = publisher.outcomes();
      assert.deepEqual(
        reports.map((o) => [o.status, o.action, o.service, o.code, o.counts?.refused]),
        [
          ['failure', 'delivery-refused', 'ingress', 'IngressDeliveryRefused', 1],
          ['failure', 'delivery-refused', 'ingress', 'IngressDeliveryRefused', 1],
          ['failure', 'delivery-refused', 'ingress', 'IngressDeliveryRefused', 3],
        ],
      );
      assert.match(reports[0]?.reason ?? '', /does not match ingress\.auth\.sharedSecret/);
      assert.match(reports[1]?.reason ?? '', /HTTP 400 \(malformed-delivery\)/);
      assert.ok(
        reports.every((o) => !o.reason?.includes('old-secret')),
        'reports never echo what the caller sent',
      );
      assert.deepEqual(publisher.vaultEvents(), []);
    } finally {
      await app.close();
    }
  });
});
