// test-isolation: process
// (sets the global OpenTelemetry meter provider for its run)
//
// What the pacer tells the dashboards (issue #25 mutation survivors): every Key Vault request by
// vault and status class (akvr_keyvault_requests_total), every 429 (akvr_keyvault_throttled_total)
// and the seconds callers were held back after 429s (akvr_keyvault_backoff_seconds_total).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, type Attributes } from '@opentelemetry/api';
import {
  RestError,
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { METRIC_NAMES } from '@akv-replicator/core';
import { CounterRecorder, ManualClock } from '@akv-replicator/core/testing';
import { VaultError } from '../errors';
import { VaultPacer } from './vault-pacer';
import { challengeMeter } from './challenge-meter';

/** What the pacer counted, summed as a scrape would. */
const recorder = new CounterRecorder();
const total = (name: string, attributes: Attributes) => recorder.total(name, attributes);

const pacer = (vault: string, clock = new ManualClock()) =>
  new VaultPacer(vault, {
    transactionsPerWindow: 100,
    createsPerWindow: 10,
    utilization: 1,
    clock,
    backoffMs: [1_500],
    jitter: 0,
  });
const requests = (vault: string, statusClass: string) =>
  total(METRIC_NAMES.keyVaultRequests, { vault, status_class: statusClass });
const throttled = (vault: string) => total(METRIC_NAMES.keyVaultThrottled, { vault });

describe('Key Vault request metrics from the pacer', () => {
  before(() => assert.ok(metrics.setGlobalMeterProvider(recorder.provider)));
  after(() => metrics.disable());

  it('counts a 429 and the retry that succeeded, and the seconds the vault was held back', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const done = pacer('kv-metrics-a', clock).run('read', async () => {
      if (calls++ === 0)
        throw new VaultError('throttled', 'Too many requests', {
          vault: 'kv-metrics-a',
          status: 429,
        });
      return 'ok';
    });
    while (clock.pendingTimers === 0) await new Promise((resolve) => setImmediate(resolve));
    await clock.advanceAsync(1_500);
    assert.equal(await done, 'ok');
    assert.equal(requests('kv-metrics-a', '4xx'), 1, 'the throttled attempt');
    assert.equal(requests('kv-metrics-a', '2xx'), 1, 'the retry that succeeded');
    assert.equal(throttled('kv-metrics-a'), 1);
    assert.equal(total(METRIC_NAMES.keyVaultBackoff, { vault: 'kv-metrics-a' }), 1.5);
  });

  it('files each failure under the status it got: a 429 without a status is still a 429, no response is an error', async () => {
    const cases: [string, unknown, string, number][] = [
      // The adapter did not keep the status of a throttled answer: it was a 429 all the same.
      [
        'kv-metrics-b',
        new VaultError('throttled', 'Too many requests', { vault: 'kv-metrics-b' }),
        '4xx',
        1,
      ],
      // Unavailable without a status: no response came; neither a 4xx nor a 429.
      [
        'kv-metrics-c',
        new VaultError('unavailable', 'connection reset', { vault: 'kv-metrics-c' }),
        'error',
        0,
      ],
      // A 404 is a 4xx, and no 429.
      [
        'kv-metrics-d',
        new VaultError('not-found', 'gone', { vault: 'kv-metrics-d', status: 404 }),
        '4xx',
        0,
      ],
      // A failure that is not the adapter's, carrying the SDK's status code.
      ['kv-metrics-e', Object.assign(new Error('bad gateway'), { statusCode: 502 }), '5xx', 0],
    ];
    for (const [vault, failure, statusClass, throttles] of cases) {
      // A single attempt (no retry) so each case counts exactly one request.
      const once = new VaultPacer(vault, {
        transactionsPerWindow: 100,
        createsPerWindow: 10,
        utilization: 1,
        backoffMs: [],
      });
      await assert.rejects(
        once.run('read', () => Promise.reject(failure)),
        () => true,
      );
      assert.equal(requests(vault, statusClass), 1, `${vault}: one request, ${statusClass}`);
      const elsewhere = ['2xx', '4xx', '5xx', 'error'].filter((c) => c !== statusClass);
      for (const other of elsewhere) assert.equal(requests(vault, other), 0, `${vault}: ${other}`);
      assert.equal(throttled(vault), throttles, `${vault}: 429s`);
    }
  });

  it("counts each send the SDK retried under its own status: a 503, a dropped connection, then the call's end", async () => {
    const vault = 'kv-metrics-f';
    const paced = pacer(vault);
    const request = createPipelineRequest({
      url: `https://${vault}.vault.azure.net/secrets/a`,
      headers: createHttpHeaders({ authorization: 'Bearer abc' }),
    });
    const meter = challengeMeter(paced).policy;
    // What the SDK's retry policy does: the same request again after each failed send.
    const answers: (() => Promise<PipelineResponse>)[] = [
      async () => ({ request, status: 503, headers: createHttpHeaders() }),
      () => Promise.reject(new RestError('socket hang up', { code: 'ECONNRESET' })),
      async () => ({ request, status: 200, headers: createHttpHeaders() }),
    ];
    const final = await paced.run('read', async () => {
      let response: PipelineResponse | undefined;
      for (const answer of answers)
        response = await meter.sendRequest(request, answer).catch(() => undefined);
      return response;
    });
    assert.equal(final?.status, 200);
    assert.equal(requests(vault, '5xx'), 1, 'the 503 that was retried');
    assert.equal(requests(vault, 'error'), 1, 'the dropped send that was retried');
    assert.equal(requests(vault, '2xx'), 1, 'how the call ended, recorded by the pacer');
    assert.equal(requests(vault, '4xx'), 0);
  });
});
