import { METRIC_NAMES } from '@akv-replicator/telemetry';

/**
 * What Prometheus holds for akv-replicator: the metrics the services export (names from
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

/** The OTel Prometheus exporter labels every akvr_* series with its instrumentation scope. */
export const SCOPE_LABELS = ['otel_scope_name', 'otel_scope_version'] as const;

type MetricKey = keyof typeof METRIC_NAMES;

/**
 * Type and labels of every metric in `METRIC_NAMES`: a metric added there without an entry here
 * does not compile, so dashboards are always checked against what the services export.
 */
const METRIC_SHAPES: Readonly<Record<MetricKey, Omit<ExportedMetric, 'name'>>> = {
  replicationLag: { type: 'histogram', labels: ['link', 'region', 'kind'] },
  tasks: { type: 'counter', labels: ['service', 'kind', 'action', 'outcome', 'region'] },
  keyVaultRequests: { type: 'counter', labels: ['vault', 'status_class'] },
  keyVaultThrottled: { type: 'counter', labels: ['vault'] },
  keyVaultBackoff: { type: 'counter', labels: ['vault'] },
  busPublished: { type: 'counter', labels: ['topic'] },
  busDelivered: { type: 'counter', labels: ['topic', 'subscription', 'outcome'] },
  busDeadLetters: { type: 'counter', labels: ['topic', 'subscription'] },
  busBacklog: { type: 'gauge', labels: ['topic', 'subscription'] },
  reconcileDrift: { type: 'counter', labels: ['link', 'region', 'state'] },
  reconcileRuns: { type: 'counter', labels: ['trigger', 'outcome'] },
  resyncPlanned: { type: 'counter', labels: [] },
  resyncDone: { type: 'counter', labels: [] },
  ingressEvents: { type: 'counter', labels: ['input', 'outcome'] },
  ingressRefused: { type: 'counter', labels: ['endpoint', 'status', 'cause'] },
};

export const EXPORTED_METRICS: readonly ExportedMetric[] = (
  Object.keys(METRIC_NAMES) as MetricKey[]
).map((key) => ({ name: METRIC_NAMES[key], ...METRIC_SHAPES[key] }));

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
    const scoped = metric.name.startsWith('akvr_') ? SCOPE_LABELS : [];
    const labels = new Set([...metric.labels, ...scoped, ...TARGET_LABELS]);
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
