import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryableSeries } from './metric-catalog';
import { checkDashboard, checkQuery } from './validate-dashboards';

const series = queryableSeries();

describe('checkQuery', () => {
  it('accepts queries over exported series and labels', () => {
    for (const query of [
      'histogram_quantile(0.99, sum by (le, link, region) (rate(akvr_replication_lag_seconds_bucket{link=~"$link"}[$__rate_interval])))',
      'sum by (outcome, region) (rate(akvr_tasks_total{outcome="failure", job="replicator"}[5m]))',
      'max by (topic, subscription) (akvr_bus_backlog_messages)',
      'sum(increase(akvr_resync_tasks_done_total[$__range])) / sum(increase(akvr_resync_tasks_planned_total[$__range]))',
      'up{job="ingress"}',
    ])
      assert.deepEqual(checkQuery(query, series), [], query);
  });

  it('rejects a metric nothing exports', () => {
    assert.deepEqual(checkQuery('rate(akvr_task_total[5m])', series), [
      'unknown metric akvr_task_total',
    ]);
    // A histogram is stored as _bucket/_sum/_count, never under its own name.
    assert.deepEqual(checkQuery('akvr_replication_lag_seconds', series), [
      'unknown metric akvr_replication_lag_seconds',
    ]);
  });

  it('rejects labels the metric does not carry, in selectors and groupings', () => {
    assert.deepEqual(checkQuery('akvr_keyvault_throttled_total{region="x"}', series), [
      'akvr_keyvault_throttled_total has no label "region"',
    ]);
    assert.deepEqual(checkQuery('sum by (link) (akvr_tasks_total)', series), [
      'grouping by "link", which none of akvr_tasks_total has',
    ]);
    assert.deepEqual(checkQuery('akvr_tasks_total{le="1"}', series), [
      'akvr_tasks_total has no label "le"',
    ]);
  });

  it('rejects rate() over a gauge and histogram_quantile without le', () => {
    assert.deepEqual(checkQuery('rate(akvr_bus_backlog_messages[5m])', series), [
      'rate() over akvr_bus_backlog_messages, which is a gauge',
    ]);
    assert.deepEqual(
      checkQuery(
        'histogram_quantile(0.9, sum by (link) (rate(akvr_replication_lag_seconds_bucket[5m])))',
        series,
      ),
      ['histogram_quantile over an aggregation that drops "le"'],
    );
  });
});

describe('checkDashboard', () => {
  const datasources = new Map([
    ['prometheus', 'prometheus'],
    ['jaeger', 'jaeger'],
  ]);
  const dashboard = (panel: object, variables: object[] = []) => ({
    uid: 'x',
    title: 'x',
    templating: { list: variables },
    panels: [panel],
  });
  const prometheus = { type: 'prometheus', uid: 'prometheus' };

  it('accepts panels on provisioned datasources with valid queries and defined variables', () => {
    const problems = checkDashboard(
      dashboard(
        {
          id: 1,
          type: 'timeseries',
          title: 'ok',
          datasource: prometheus,
          targets: [{ refId: 'A', expr: 'sum(akvr_bus_backlog_messages{topic=~"$topic"})' }],
        },
        [
          {
            name: 'topic',
            type: 'query',
            datasource: prometheus,
            query: { query: 'label_values(akvr_bus_published_total, topic)' },
          },
        ],
      ),
      datasources,
      series,
    );
    assert.deepEqual(problems, []);
  });

  it('rejects an unprovisioned datasource, a datasource by name and an undefined variable', () => {
    const problems = checkDashboard(
      dashboard({
        id: 1,
        type: 'timeseries',
        title: 'p',
        datasource: { type: 'prometheus', uid: 'prom' },
        targets: [
          { refId: 'A', datasource: 'Prometheus', expr: 'akvr_bus_backlog_messages' },
          {
            refId: 'B',
            datasource: prometheus,
            expr: 'akvr_bus_backlog_messages{topic=~"$topic"}',
          },
        ],
      }),
      datasources,
      series,
    );
    assert.deepEqual(problems, [
      'panel 1 "p": datasource uid "prom" is not provisioned',
      'panel 1 "p" query A: datasource given by name (Prometheus), not by uid',
      'panel 1 "p" query B: variable $topic is not defined',
    ]);
  });

  it('checks variable queries and rows, and finds duplicate panel ids', () => {
    const problems = checkDashboard(
      {
        uid: 'x',
        title: 'x',
        templating: {
          list: [
            {
              name: 'vault',
              type: 'query',
              datasource: prometheus,
              query: 'label_values(akvr_keyvault_requests_total, region)',
            },
          ],
        },
        panels: [
          {
            id: 1,
            type: 'row',
            title: 'r',
            panels: [
              { id: 2, type: 'stat', title: 'a', datasource: prometheus, targets: [] },
              {
                id: 2,
                type: 'stat',
                title: 'b',
                datasource: prometheus,
                targets: [{ refId: 'A', expr: 'up' }],
              },
            ],
          },
        ],
      },
      datasources,
      series,
    );
    assert.deepEqual(problems, [
      'variable vault: akvr_keyvault_requests_total has no label "region"',
      'panel 2 "a": no queries',
      'panel 2 "b": duplicate panel id',
    ]);
  });
});
