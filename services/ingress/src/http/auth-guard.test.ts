import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { AuthDecision, RequestAuthenticator } from '../auth/delivery-auth';
import type { Refusal, RefusalReporter, RefusedEndpoint } from '../auth/refusal-reporter';
import { authGuard, principals } from './auth-guard';

/**
 * The guard in front of `/eventgrid` and `/resync`: a refusal is answered in the service's error
 * shape, hangs up, and is reported; an acceptance records who the credential named and lets the
 * handler run. Driven through Fastify with a stated decision, so each rule stands alone.
 */
async function guarded(decision: AuthDecision, endpoint: RefusedEndpoint = 'eventgrid') {
  const refused: Refusal[] = [];
  const reporter: RefusalReporter = {
    refused: (refusal) => refused.push(refusal),
    flush: async () => undefined,
  };
  const seen: { headers: unknown; query: unknown }[] = [];
  const auth: RequestAuthenticator = {
    enabled: true,
    authenticate: async (request) => {
      seen.push(request);
      return decision;
    },
  };
  const app = Fastify();
  let handled: string | undefined | null = null;
  app.post('/guarded', { onRequest: authGuard(auth, endpoint, reporter) }, async (request) => {
    handled = principals.get(request);
    return { handled: true };
  });
  await app.ready();
  const response = await app.inject({
    method: 'POST',
    url: '/guarded?code=from-query',
    headers: { 'content-type': 'application/json', 'x-akv-replicator-key': 'from-header' },
    payload: '{}',
  });
  await app.close();
  return { response, refused, seen, handled: () => handled };
}

describe('authGuard', () => {
  it('hands the authenticator the request headers and query', async () => {
    const { seen } = await guarded({ ok: true, principal: 'shared-secret' });
    const [request] = seen as { headers: Record<string, unknown>; query: object }[];
    assert.equal(request?.headers['x-akv-replicator-key'], 'from-header');
    assert.deepEqual({ ...request?.query }, { code: 'from-query' });
  });

  it('lets an accepted request through, recording who its credential named', async () => {
    const { response, refused, handled } = await guarded({ ok: true, principal: 'entra:app-1' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { handled: true });
    assert.equal(handled(), 'entra:app-1');
    assert.deepEqual(refused, []);
  });

  for (const [status, code] of [
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [503, 'ServiceUnavailable'],
  ] as const)
    it(`answers a ${status} refusal as {error:{code:"${code}",message}}, hangs up, and reports it`, async () => {
      const { response, refused, handled } = await guarded(
        { ok: false, status, reason: 'the reason given', cause: 'wrong-shared-secret' },
        'resync',
      );
      assert.equal(response.statusCode, status);
      assert.deepEqual(response.json(), { error: { code, message: 'the reason given' } });
      assert.equal(response.headers.connection, 'close');
      assert.equal(handled(), null, 'the handler never ran');
      assert.deepEqual(refused, [{ endpoint: 'resync', status, cause: 'wrong-shared-secret' }]);
    });
});
