// OpenTelemetry's meter provider is global per process: this file is the only one here that starts it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { DEMO_VAULTS, startLocalStack, type LocalStack } from 'akv-replicator';
import { startTelemetry, type Telemetry } from '@akv-replicator/telemetry';
import { dashboardQueries, expandForPrometheus } from './dashboard-queries';
import { prometheusUnavailable, startPrometheus, type PrometheusServer } from './prometheus-server';

/** The jobs deploy/prometheus/prometheus.yml scrapes, one per service. */
const SERVICE_JOBS = ['ingress', 'discovery', 'replicator', 'certificate-converter', 'notifier'];
const SCRAPE_SECONDS = 1;
/** Grafana's $__rate_interval for a 1 s scrape: max(4 × scrape, step + scrape); 4 samples. */
const RATE_INTERVAL_SECONDS = 4 * SCRAPE_SECONDS;
const SOURCE = DEMO_VAULTS.source.name;
const [FIRST_REPLICA, SECOND_REPLICA] = DEMO_VAULTS.replicas;

describe(
  'every Grafana panel query returns data from a real Prometheus scraping a running stack',
  { skip: prometheusUnavailable() },
  () => {
    let telemetry: Telemetry;
    let stack: LocalStack;
    let prometheus: PrometheusServer;
    let source: SecretClient;
    const started = Date.now();

    // The emulator throttles like Key Vault (429 without Retry-After): the test's own writes retry.
    const write = async (name: string, value: string, enabled = true) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await source.setSecret(name, value, { enabled });
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 429 || attempt > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100)); // a client's backoff, not a wait for state
        }
      }
    };
    /** Waits for a PromQL expression to return a series (the workload's effect reached a scrape). */
    const seen = async (expression: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await prometheus.query(expression)).length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.fail(`no data for ${expression} within ${timeoutMs} ms`);
    };

    before(async () => {
      telemetry = await startTelemetry({
        serviceName: 'akv-replicator',
        config: { tracing: false, metricsPort: 0 },
        metricsHost: '127.0.0.1',
      });
      stack = await startLocalStack({
        configOverrides: {
          bus: { maxDeliveries: 2 },
          replication: { reconcile: { suspend: true, onStart: false } },
        },
        // Tight enough that a burst of writes meets 429s; the pacers back off quickly.
        emulator: { throttling: { windowMs: 1000, maxTransactions: 10, maxSecretCreates: 100 } },
        pacing: { backoffMs: [50, 100, 200, 400, 800] },
        retryDelaysMs: [100],
      });
      // Every service of the embedded stack exports through this process's one endpoint; each job
      // scrapes it as a deployment's Prometheus scrapes each service's own pod.
      const target = new URL(telemetry.metricsUrl!).host;
      prometheus = await startPrometheus(
        SERVICE_JOBS.map((job) => ({ job, targets: [target] })),
        SCRAPE_SECONDS,
      );
      source = new SecretClient(stack.emulator.vaultUrl(SOURCE), stack.credential, {
        ...stack.emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
      });
    });

    after(async () => {
      await prometheus?.stop();
      await stack?.stop();
      await telemetry?.shutdown();
    });

    it('runs a known workload, then every panel query of every dashboard returns data', async () => {
      // 1. A burst of writes: Event Grid deliveries, tasks, replicas, 429s and backoff.
      await Promise.all(Array.from({ length: 20 }, (_, i) => write(`burst-${i}`, `value-${i}`)));
      await seen('akvr_replication_lag_seconds_count');
      await seen('akvr_keyvault_throttled_total');

      // 2. Server errors from one replica vault, then a permanent 403 on another: a failed task.
      // Every request fails until the metric shows it: a 50 % rate could let the few requests
      // of one write all succeed (it did, once in CI), and the panel would wait for nothing.
      stack.emulator.faults.setErrorRate({ rate: 1, status: 503, vault: FIRST_REPLICA!.name });
      await write('flaky', 'x');
      await seen('akvr_keyvault_requests_total{status_class="5xx"}');
      stack.emulator.faults.setErrorRate({ rate: 0, vault: FIRST_REPLICA!.name });
      stack.emulator.faults.setErrorRate({ rate: 1, status: 403, vault: SECOND_REPLICA!.name });
      await write('denied', 'x');
      await seen('akvr_tasks_total{outcome="failure"}');
      stack.emulator.faults.setErrorRate({ rate: 0, vault: SECOND_REPLICA!.name });

      // 3. A disabled source secret without a replica: a warning.
      await write('disabled-at-birth', 'x', false);
      await seen('akvr_tasks_total{outcome="warning"}');

      // 4. A message no service can parse: dead-lettered.
      const broker = (
        stack.bus as unknown as {
          broker?: {
            publishRaw(topic: string, body: Uint8Array, options: { routingKey?: string }): unknown;
          };
        }
      ).broker;
      assert.ok(broker, 'the embedded stack runs on the memory bus');
      broker.publishRaw('secret-tasks', new TextEncoder().encode('{"not":"an envelope"}'), {
        routingKey: FIRST_REPLICA!.region,
      });
      await seen('akvr_bus_dead_letters_total');

      // 5. A manual resync through the ingress: a reconcile that finds the drift left by step 2.
      const ingress = stack.readyInfo().ingress!;
      const response = await fetch(new URL('/resync', ingress), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-akv-replicator-key': stack.resyncToken },
        body: JSON.stringify({
          resyncId: crypto.randomUUID(),
          objectKinds: ['secret'],
          dryRun: false,
          requestedBy: 'test:dashboards',
          requestedAt: new Date().toISOString(),
        }),
      });
      assert.equal(response.status, 202, await response.text());
      await seen('akvr_resync_tasks_done_total');
      await seen('akvr_reconcile_drift_total');

      // Every query as Grafana sends it with "All" selected and the test's span as its range.
      const queries = dashboardQueries();
      assert.ok(queries.length >= 30, `${queries.length} panel queries found`);
      const missing = async () => {
        const range = Math.ceil((Date.now() - started) / 1000) + 60;
        const empty: string[] = [];
        for (const query of queries) {
          const expr = expandForPrometheus(query.expr, range, RATE_INTERVAL_SECONDS);
          if ((await prometheus.query(expr)).length === 0)
            empty.push(`${query.dashboard} / ${query.panel}: ${expr}`);
        }
        return empty;
      };
      // rate() needs samples on both sides of the last change: allow a few scrapes to arrive.
      const deadline = Date.now() + 60_000;
      let empty = await missing();
      while (empty.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        empty = await missing();
      }
      assert.deepEqual(empty, [], 'panel queries without data');
    });
  },
);
