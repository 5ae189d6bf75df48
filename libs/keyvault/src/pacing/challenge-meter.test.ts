import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { challengeMeter, meteredClientOptions } from './challenge-meter';
import type { VaultPacer } from './vault-pacer';

const countingPacer = () => {
  const counted = { charges: 0 };
  const pacer = { charge: () => counted.charges++ } as unknown as VaultPacer;
  return { pacer, counted };
};

/** Sends one request through the meter, with or without a token. */
async function send(pacer: VaultPacer, token: string | undefined) {
  const headers = createHttpHeaders(token ? { authorization: `Bearer ${token}` } : {});
  const request = createPipelineRequest({ url: 'https://kv-a.vault.azure.net/secrets/a', headers });
  const response = { request, status: 401, headers: createHttpHeaders() };
  const passed: unknown[] = [];
  const got = await challengeMeter(pacer).policy.sendRequest(request, async (r) => {
    passed.push(r);
    return response;
  });
  assert.deepEqual(passed, [request], 'the request goes on unchanged');
  assert.equal(got, response, 'and its response comes back');
}

describe('challengeMeter', () => {
  it('charges a request sent without a token (the challenge), not one with a token', async () => {
    const { pacer, counted } = countingPacer();
    await send(pacer, undefined);
    assert.equal(counted.charges, 1);
    await send(pacer, 'abc');
    assert.equal(counted.charges, 1);
  });

  it('charges every re-send of a request already sent with a token (an SDK retry), not the first', async () => {
    const { pacer, counted } = countingPacer();
    const meter = challengeMeter(pacer).policy;
    const request = createPipelineRequest({
      url: 'https://kv-a.vault.azure.net/secrets/a',
      headers: createHttpHeaders({ authorization: 'Bearer abc' }),
    });
    const next = async () => ({ request, status: 503, headers: createHttpHeaders() });
    await meter.sendRequest(request, next);
    assert.equal(counted.charges, 0, 'the send the pacer admitted');
    await meter.sendRequest(request, next);
    await meter.sendRequest(request, next);
    assert.equal(counted.charges, 2, 'two retries of the same request');
    await send(pacer, 'abc');
    assert.equal(counted.charges, 2, 'another request with a token is its own admitted send');
  });

  it('runs per retry, where it sees each request as sent after authentication', () => {
    assert.equal(challengeMeter(countingPacer().pacer).position, 'perRetry');
  });

  it('adds the meter after the caller’s own policies, keeping the other options', () => {
    const { pacer } = countingPacer();
    const own = {
      position: 'perCall' as const,
      policy: { name: 'own', sendRequest: () => Promise.reject(new Error('unused')) },
    };
    const options = meteredClientOptions(
      { retryOptions: { maxRetries: 0 }, additionalPolicies: [own] },
      pacer,
    );
    assert.deepEqual(options.retryOptions, { maxRetries: 0 });
    assert.equal(options.additionalPolicies?.[0], own);
    assert.equal(options.additionalPolicies?.[1]?.policy.name, 'akvReplicatorChallengeMeter');
    assert.equal(meteredClientOptions(undefined, pacer).additionalPolicies?.length, 1);
  });
});
