import {
  metrics,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableGauge,
} from '@opentelemetry/api';

/** The meter every akv-replicator instrument belongs to. */
export const METER_NAME = 'akv-replicator';

/**
 * The names operators and dashboards see. They are already Prometheus names (counters end in
 * `_total`, units in the name) because the Prometheus exporter only appends `_total` to
 * counters that lack it, so these are also the exported names. Labels are bounded sets
 * (vaults, links, regions, topics, vocabularies): never object names, never values.
 */
export const METRIC_NAMES = {
  /** histogram {link, region, kind}: source version created/updated → replica written. */
  replicationLag: 'akvr_replication_lag_seconds',
  /** counter {service, kind, action, outcome, region}: converge results of the workers. */
  tasks: 'akvr_tasks_total',
  /** counter {vault, status_class}: Key Vault requests, by HTTP status class (2xx, 4xx, 5xx, error). */
  keyVaultRequests: 'akvr_keyvault_requests_total',
  /** counter {vault}: 429 responses. */
  keyVaultThrottled: 'akvr_keyvault_throttled_total',
  /** counter {vault}: seconds of backoff after 429s. */
  keyVaultBackoff: 'akvr_keyvault_backoff_seconds_total',
  /** counter {topic}: messages the broker accepted (duplicates excluded). */
  busPublished: 'akvr_bus_published_total',
  /** counter {topic, subscription, outcome}: handler results (ack, retry, dead-letter). */
  busDelivered: 'akvr_bus_delivered_total',
  /** counter {topic, subscription}: messages moved to the dead-letter destination. */
  busDeadLetters: 'akvr_bus_dead_letters_total',
  /** gauge {topic, subscription}: messages waiting (memory and NATS transports). */
  busBacklog: 'akvr_bus_backlog_messages',
  /** counter {link, region, state}: drift a reconcile or resync found (drifted, missing, orphaned). */
  reconcileDrift: 'akvr_reconcile_drift_total',
  /** counter {trigger, outcome}: reconcile runs (schedule or resync), success or warning. */
  reconcileRuns: 'akvr_reconcile_runs_total',
  /** counter: tasks a resync planned. */
  resyncPlanned: 'akvr_resync_tasks_planned_total',
  /** counter: tasks of a resync the workers finished (progress = done / planned). */
  resyncDone: 'akvr_resync_tasks_done_total',
  /** counter {input, outcome}: ingress events (accepted, duplicate, rejected, filtered). */
  ingressEvents: 'akvr_ingress_events_total',
  /** counter {endpoint, status, cause}: requests the ingress refused (401, 403, 400, 413). */
  ingressRefused: 'akvr_ingress_refused_total',
} as const;

/** Seconds: from a fast event path (tens of ms) to a throttled full resync (minutes). */
export const LAG_BUCKETS_SECONDS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
] as const;

export interface AkvrInstruments {
  readonly replicationLag: Histogram;
  readonly tasks: Counter;
  readonly keyVaultRequests: Counter;
  readonly keyVaultThrottled: Counter;
  readonly keyVaultBackoff: Counter;
  readonly busPublished: Counter;
  readonly busDelivered: Counter;
  readonly busDeadLetters: Counter;
  readonly reconcileDrift: Counter;
  readonly reconcileRuns: Counter;
  readonly resyncPlanned: Counter;
  readonly resyncDone: Counter;
  readonly ingressEvents: Counter;
  readonly ingressRefused: Counter;
  readonly busBacklog: ObservableGauge;
}

/** Messages waiting in one subscription, as a transport reports it. */
export interface BacklogSample {
  readonly topic: string;
  readonly subscription: string;
  readonly messages: number;
}

const backlogSources = new Set<() => Promise<readonly BacklogSample[]>>();

/**
 * Adds a reporter of subscription backlogs (a bus) to the backlog gauge, read at every
 * collection (scrape). Returns the function that removes it.
 */
export function registerBacklogSource(source: () => Promise<readonly BacklogSample[]>): () => void {
  backlogSources.add(source);
  return () => backlogSources.delete(source);
}

let cached: { provider: MeterProvider; instruments: AkvrInstruments } | undefined;

/**
 * The instruments on the current global meter provider. The API has no proxy meter: an
 * instrument made before the SDK registers stays a no-op forever, so they are (re)made
 * whenever the provider changes. Without an SDK they are the API's no-ops (no overhead).
 */
export function instruments(): AkvrInstruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) cached = { provider, instruments: create(provider) };
  return cached.instruments;
}

function create(provider: MeterProvider): AkvrInstruments {
  const meter = provider.getMeter(METER_NAME);
  const counter = (name: string, description: string, unit?: string) =>
    meter.createCounter(name, { description, ...(unit ? { unit } : {}) });
  return {
    replicationLag: meter.createHistogram(METRIC_NAMES.replicationLag, {
      description: 'Source version created or updated until the replica was written',
      unit: 's',
      advice: { explicitBucketBoundaries: [...LAG_BUCKETS_SECONDS] },
    }),
    tasks: counter(METRIC_NAMES.tasks, 'Converge results of replication tasks'),
    keyVaultRequests: counter(METRIC_NAMES.keyVaultRequests, 'Key Vault requests by status class'),
    keyVaultThrottled: counter(METRIC_NAMES.keyVaultThrottled, 'Key Vault 429 responses'),
    keyVaultBackoff: counter(METRIC_NAMES.keyVaultBackoff, 'Backoff after Key Vault 429s', 's'),
    busPublished: counter(METRIC_NAMES.busPublished, 'Messages accepted by the broker'),
    busDelivered: counter(METRIC_NAMES.busDelivered, 'Deliveries by handler outcome'),
    busDeadLetters: counter(METRIC_NAMES.busDeadLetters, 'Messages dead-lettered'),
    reconcileDrift: counter(METRIC_NAMES.reconcileDrift, 'Drift found by reconcile and resync'),
    reconcileRuns: counter(METRIC_NAMES.reconcileRuns, 'Reconcile runs'),
    resyncPlanned: counter(METRIC_NAMES.resyncPlanned, 'Tasks planned by resyncs'),
    resyncDone: counter(METRIC_NAMES.resyncDone, 'Resync tasks finished by the workers'),
    ingressEvents: counter(METRIC_NAMES.ingressEvents, 'Events received by the ingress'),
    ingressRefused: counter(METRIC_NAMES.ingressRefused, 'Requests refused by the ingress'),
    busBacklog: backlogGauge(meter),
  };
}

function backlogGauge(meter: ReturnType<MeterProvider['getMeter']>): ObservableGauge {
  const gauge = meter.createObservableGauge(METRIC_NAMES.busBacklog, {
    description: 'Messages waiting in a subscription',
  });
  gauge.addCallback(async (result) => {
    const reports = await Promise.all(
      [...backlogSources].map((source) => source().catch(() => [] as BacklogSample[])),
    );
    // Two consumers of one subscription in a process see the same queue: report it once.
    const latest = new Map<string, BacklogSample>();
    for (const sample of reports.flat())
      latest.set(`${sample.topic}\u0000${sample.subscription}`, sample);
    for (const { topic, subscription, messages } of latest.values())
      result.observe(messages, { topic, subscription });
  });
  return gauge;
}
