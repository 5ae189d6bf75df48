/**
 * What Prometheus holds for akv-replicator: the metrics the services export (names as in
 * `METRIC_NAMES`, labels as libs/core/src/telemetry/instruments.ts documents them), the
 * series a histogram expands to, and what Prometheus and the OTel exporter add themselves.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface ExportedMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
}

/** Every series gets these from the scrape. */
export const TARGET_LABELS = ['job', 'instance'] as const;

export const EXPORTED_METRICS: readonly ExportedMetric[] = [
  { name: 'akvr_replication_lag_seconds', type: 'histogram', labels: ['link', 'region', 'kind'] },
  {
    name: 'akvr_tasks_total',
    type: 'counter',
    labels: ['service', 'kind', 'action', 'outcome', 'region'],
  },
  { name: 'akvr_keyvault_requests_total', type: 'counter', labels: ['vault', 'status_class'] },
  { name: 'akvr_keyvault_throttled_total', type: 'counter', labels: ['vault'] },
  { name: 'akvr_keyvault_backoff_seconds_total', type: 'counter', labels: ['vault'] },
  { name: 'akvr_bus_published_total', type: 'counter', labels: ['topic'] },
  {
    name: 'akvr_bus_delivered_total',
    type: 'counter',
    labels: ['topic', 'subscription', 'outcome'],
  },
  { name: 'akvr_bus_dead_letters_total', type: 'counter', labels: ['topic', 'subscription'] },
  { name: 'akvr_bus_backlog_messages', type: 'gauge', labels: ['topic', 'subscription'] },
  { name: 'akvr_reconcile_drift_total', type: 'counter', labels: ['link', 'region', 'state'] },
  { name: 'akvr_reconcile_runs_total', type: 'counter', labels: ['trigger', 'outcome'] },
  { name: 'akvr_resync_tasks_planned_total', type: 'counter', labels: [] },
  { name: 'akvr_resync_tasks_done_total', type: 'counter', labels: [] },
  { name: 'akvr_ingress_events_total', type: 'counter', labels: ['input', 'outcome'] },
];

/** Series Prometheus writes per target, and the OTel Prometheus exporter's resource series. */
const BUILT_IN: readonly ExportedMetric[] = [
  { name: 'up', type: 'gauge', labels: [] },
  { name: 'scrape_duration_seconds', type: 'gauge', labels: [] },
  { name: 'scrape_samples_scraped', type: 'gauge', labels: [] },
  {
    name: 'target_info',
    type: 'gauge',
    labels: ['service_name', 'service_namespace', 'service_version', 'deployment_environment'],
  },
];

/** A series name a query may select, with its labels and whether it only ever grows. */
export interface QueryableSeries {
  readonly labels: ReadonlySet<string>;
  readonly monotonic: boolean;
  readonly exportedAs: string;
}

/** Series names as Prometheus stores them: a histogram is `_bucket` (+ `le`), `_sum`, `_count`. */
export function queryableSeries(
  metrics: readonly ExportedMetric[] = EXPORTED_METRICS,
): ReadonlyMap<string, QueryableSeries> {
  const series = new Map<string, QueryableSeries>();
  for (const metric of [...metrics, ...BUILT_IN]) {
    const labels = new Set([...metric.labels, ...TARGET_LABELS]);
    if (metric.type === 'histogram') {
      series.set(`${metric.name}_bucket`, {
        labels: new Set([...labels, 'le']),
        monotonic: true,
        exportedAs: metric.name,
      });
      for (const suffix of ['_sum', '_count'])
        series.set(`${metric.name}${suffix}`, { labels, monotonic: true, exportedAs: metric.name });
    } else {
      series.set(metric.name, {
        labels,
        monotonic: metric.type === 'counter',
        exportedAs: metric.name,
      });
    }
  }
  return series;
}
