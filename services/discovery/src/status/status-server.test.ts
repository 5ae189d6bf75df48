import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@akv-replicator/core';
import { StatusBoard } from './status-board';
import { StatusServer } from './status-server';
import type { ObjectsReport, StatusReport } from './status-model';
import { EXPECTED, everythingObserved, manualClock, observation } from './status-test-fixtures';

const TOKEN = 'status-token-5b1e';

function board(): StatusBoard {
  const b = new StatusBoard({ now: manualClock().now, refreshSeconds: 2 });
  for (const o of everythingObserved()) b.listingObserved(o);
  b.listingObserved(
    observation({
      inSync: 4,
      notInSync: [
        { name: 'db-password', state: 'drifted', parts: ['value'] },
        { name: 'api-key', state: 'missing' },
      ],
    }),
  );
  return b;
}

describe('status endpoint: with a token', () => {
  let server: StatusServer;
  let base: string;
  before(async () => {
    server = new StatusServer({
      board: board(),
      expected: async () => EXPECTED,
      token: TOKEN,
      host: '127.0.0.1',
    });
    base = await server.listen(0);
  });
  after(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers, redirect: 'manual' });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('answers 401 without the token or with a wrong one, on every data path', async () => {
    for (const path of ['/status', '/status/objects', '/'])
      for (const headers of [
        {},
        bearer('wrong'),
        bearer(`${TOKEN}x`),
        { cookie: 'akvr_status=x' },
      ] as Record<string, string>[]) {
        const response = await get(path, headers);
        assert.equal(response.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.doesNotMatch(await response.text(), /db-password/);
      }
  });

  it('GET /status: the summary per link and replica', async () => {
    const response = await get('/status', bearer(TOKEN));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const report = (await response.json()) as StatusReport;
    assert.equal(report.rebuilding, false);
    assert.equal(report.inSync, false);
    assert.equal(report.refreshSeconds, 2);
    assert.deepEqual(
      report.replicas.map((r) => [r.link, r.sourceVault, r.replicaVault, r.replicaRegion]),
      [
        ['payments', 'kv-src', 'kv-neu', 'northeurope'],
        ['payments', 'kv-src', 'kv-eus', 'eastus'],
      ],
    );
    assert.deepEqual(
      {
        inSync: report.totals['in-sync'],
        drifted: report.totals.drifted,
        missing: report.totals.missing,
      },
      { inSync: 4, drifted: 1, missing: 1 },
    );
    assert.equal(report.replicas[1]?.replicaTenant, 'other');
  });

  it('GET /status/objects: the objects not in sync, by state and by search', async () => {
    const all = (await (await get('/status/objects', bearer(TOKEN))).json()) as ObjectsReport;
    assert.deepEqual(all.objects.map((o) => o.name).sort(), ['api-key', 'db-password']);
    const found = (await (
      await get('/status/objects?q=DB-', bearer(TOKEN))
    ).json()) as ObjectsReport;
    assert.deepEqual(
      found.objects.map((o) => [o.name, o.state, o.parts]),
      [['db-password', 'drifted', ['value']]],
    );
    const missing = (await (
      await get('/status/objects?state=missing', bearer(TOKEN))
    ).json()) as ObjectsReport;
    assert.deepEqual(
      missing.objects.map((o) => o.name),
      ['api-key'],
    );
    assert.equal((await get('/status/objects?state=bogus', bearer(TOKEN))).status, 400);
  });

  it('the page signs in with ?token= into a session cookie that is not the token, then serves the page', async () => {
    assert.equal((await get('/?token=wrong')).status, 401);
    const signIn = await get(`/?token=${TOKEN}`);
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.get('location'), '/');
    const cookie = signIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes(TOKEN), 'the cookie does not carry the token');
    const session = cookie.split(';')[0]!;
    const page = await get('/', { cookie: session });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="topology">/);
    assert.match(
      page.headers.get('content-security-policy') ?? '',
      /default-src 'none'; script-src 'self'/,
    );
    assert.equal((await get('/status', { cookie: session })).status, 200);
  });

  it('is read-only and serves its script and style without a CDN', async () => {
    const post = await fetch(`${base}/status`, { method: 'POST', headers: bearer(TOKEN) });
    assert.equal(post.status, 405);
    const script = await get('/status.js');
    assert.equal(script.status, 200);
    const text = await script.text();
    assert.match(text, /textContent/);
    assert.doesNotMatch(text, /innerHTML|https?:\/\/(?!\/)/);
    assert.equal((await get('/nowhere', bearer(TOKEN))).status, 404);
  });
});

describe('status endpoint: without a token', () => {
  it('refuses to start unless told to, and then only on loopback', () => {
    const b = board();
    const expected = async () => EXPECTED;
    assert.throws(() => new StatusServer({ board: b, expected, host: '127.0.0.1' }), ConfigError);
    assert.throws(
      () => new StatusServer({ board: b, expected, host: '0.0.0.0', allowUnauthenticated: true }),
      /status\.allowUnauthenticated.*loopback/,
    );
  });

  it('when allowed on loopback, answers loopback host names only', async (t) => {
    const server = new StatusServer({
      board: board(),
      expected: async () => EXPECTED,
      host: '127.0.0.1',
      allowUnauthenticated: true,
    });
    const base = await server.listen(0);
    t.after(() => server.close());
    assert.equal((await fetch(`${base}/status`)).status, 200);
    const port = new URL(base).port;
    // A page elsewhere reaching the listener through a DNS name rebound to 127.0.0.1.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) =>
      request(
        { host: '127.0.0.1', port, path: '/status', headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end(),
    );
    assert.equal(status, 403);
  });
});
