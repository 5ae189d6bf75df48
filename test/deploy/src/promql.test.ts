import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromQL, substituteGrafanaVariables } from './promql';

describe('parsePromQL', () => {
  it('finds every selector with its labels and the function it feeds', () => {
    const parsed = parsePromQL(
      'sum by (vault) (rate(akvr_keyvault_throttled_total{vault=~"$vault"}[$__rate_interval])) / sum by (vault) (rate(akvr_keyvault_requests_total{vault=~"$vault", status_class="2xx"}[5m]))',
    );
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.selectors, [
      { metric: 'akvr_keyvault_throttled_total', labels: ['vault'], function: 'rate' },
      {
        metric: 'akvr_keyvault_requests_total',
        labels: ['vault', 'status_class'],
        function: 'rate',
      },
    ]);
    assert.deepEqual(
      parsed.groupings.map((g) => [g.labels, g.metrics]),
      [
        [['vault'], ['akvr_keyvault_throttled_total']],
        [['vault'], ['akvr_keyvault_requests_total']],
      ],
    );
  });

  it('reads metric names given as __name__ or as a quoted name (Prometheus 3)', () => {
    assert.deepEqual(
      parsePromQL('{__name__="up", job="x"}').selectors.map((s) => [s.metric, s.labels]),
      [['up', ['job']]],
    );
    assert.deepEqual(
      parsePromQL('{"akvr_tasks_total", outcome="failure"}').selectors.map((s) => [
        s.metric,
        s.labels,
      ]),
      [['akvr_tasks_total', ['outcome']]],
    );
  });

  it('knows when an aggregation feeds histogram_quantile', () => {
    const parsed = parsePromQL(
      'histogram_quantile(0.95, sum by (le, link) (rate(akvr_replication_lag_seconds_bucket[5m])))',
    );
    assert.equal(parsed.groupings.length, 1);
    assert.equal(parsed.groupings[0]!.underHistogramQuantile, true);
    assert.deepEqual(parsed.groupings[0]!.labels, ['le', 'link']);
  });

  it('collects on()/group_left() labels of binary expressions', () => {
    const parsed = parsePromQL('a_total / on (vault) group_left (region) b_total');
    assert.deepEqual(parsed.groupings[0]!.labels, ['vault', 'region']);
    assert.deepEqual(parsed.groupings[0]!.metrics, ['a_total', 'b_total']);
  });

  it('reports syntax errors instead of guessing', () => {
    assert.notDeepEqual(parsePromQL('sum(rate(akvr_tasks_total[5m])').errors, []);
    assert.notDeepEqual(parsePromQL('akvr_tasks_total{outcome=}').errors, []);
    assert.deepEqual(parsePromQL('').errors, ['empty query']);
  });

  it("replaces Grafana's interval variables with durations", () => {
    assert.equal(
      substituteGrafanaVariables('rate(x[$__rate_interval]) + increase(y[$__range])'),
      'rate(x[5m]) + increase(y[5m])',
    );
  });
});
