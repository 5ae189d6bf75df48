// OpenTelemetry's state is global per process: this file is the only one here that starts it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretClient } from '@azure/keyvault-secrets';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { createPinoLogger, startTelemetry, type Telemetry } from '@akv-replicator/telemetry';
import {
  SPAN_KIND,
  sampleValue,
  scrapeMetrics,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@akv-replicator/telemetry/testing';
import { waitFor } from './wait-for';

const CANARY = `CANARY-otel-${randomBytes(6).toString('hex')}`;
const SOURCE = DEMO_VAULTS.source.name;
const THROTTLING = { windowMs: 1000, maxTransactions: 10, maxSecretCreates: 100 };

describe('telemetry end to end (memory bus, emulator, OTLP receiver, Prometheus)', () => {
  let receiver: OtlpReceiver;
  let telemetry: Telemetry;
  let stack: LocalStack;
  const logLines: string[] = [];
  let source: SecretClient;

  // The emulator throttles (429, no Retry-After, like Key Vault): the test's own calls retry.
  const unthrottled = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 429 || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 100)); // a client's backoff, not a wait for state
      }
    }
  };
  const write = (name: string, value: string) => unthrottled(() => source.setSecret(name, value));
  const replicated = (vault: string, name: string) =>
    new SecretClient(stack.emulator.vaultUrl(vault), stack.credential, {
      ...stack.emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    })
      .getSecret(name)
      .then(
        (s) => s.value,
        () => undefined,
      );
  const waitReplicated = async (name: string) => {
    for (const replica of DEMO_VAULTS.replicas)
      await waitFor(`${replica.name}/${name}`, () => replicated(replica.name, name), 30_000, 50);
  };
  const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

  before(async () => {
    receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    telemetry = await startTelemetry({
      serviceName: 'akv-replicator-e2e',
      config: { tracing: true, metricsPort: 0 },
      metricsHost: '127.0.0.1',
    });
    stack = await startLocalStack({
      logger: createPinoLogger({ level: 'debug', destination: (line) => logLines.push(line) }),
      configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
      // Tight enough that a burst of writes meets 429s; the pacers back off quickly.
      emulator: { throttling: THROTTLING },
      pacing: { backoffMs: [50, 100, 200, 400, 800, 1600, 3200] },
      retryDelaysMs: [100],
    });
    source = new SecretClient(stack.emulator.vaultUrl(SOURCE), stack.credential, {
      ...stack.emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
  });
  after(async () => {
    await stack?.stop();
    await telemetry?.shutdown();
    await receiver?.close();
  });

  it('follows one Event Grid delivery through ingress, discovery, replicator and Key Vault in one trace', async () => {
    await write('traced-secret', `${CANARY}-traced`);
    await waitReplicated('traced-secret');
    const sentEvent = await waitFor(
      'the vault-events publish span',
      async () => {
        await telemetry.forceFlush();
        return receiver.spans.find(
          (s) =>
            s.name === 'send vault-events' && s.attributes['akvr.object.name'] === 'traced-secret',
        );
      },
      30_000,
      100,
    );
    const taskSpans = await waitFor(
      'both replicator spans',
      async () => {
        await telemetry.forceFlush();
        const found = spansOf(sentEvent.traceId).filter(
          (s) => s.name === 'process secret-tasks' && s.kind === SPAN_KIND.consumer,
        );
        return found.length === 2 ? found : undefined;
      },
      30_000,
      100,
    );
    const trace = spansOf(sentEvent.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const parentOf = (span: ReceivedSpan) =>
      span.parentSpanId ? byId.get(span.parentSpanId) : undefined;

    // The trace starts at the ingress's HTTP server span for the delivery.
    const root = trace.filter((s) => !s.parentSpanId);
    assert.equal(root.length, 1, `one root span, got ${root.map((s) => s.name).join(', ')}`);
    assert.equal(root[0]!.kind, SPAN_KIND.server);
    assert.equal(parentOf(sentEvent)?.spanId, root[0]!.spanId);

    // Discovery consumed the event under the publisher's span, and published one task per region.
    const discovery = trace.filter((s) => s.name === 'process vault-events');
    assert.equal(discovery.length, 1);
    assert.equal(discovery[0]!.parentSpanId, sentEvent.spanId);
    assert.equal(discovery[0]!.attributes['akvr.vault'], SOURCE);
    const sentTasks = trace.filter((s) => s.name === 'send secret-tasks');
    assert.equal(sentTasks.length, 2);
    for (const sent of sentTasks) assert.equal(sent.parentSpanId, discovery[0]!.spanId);

    // Each replicator run hangs off the task publish that routed it to its region.
    assert.deepEqual(
      taskSpans.map((s) => s.attributes['akvr.region']).sort(),
      DEMO_VAULTS.replicas.map((r) => r.region).sort(),
    );
    for (const task of taskSpans) {
      const publisher = parentOf(task)!;
      assert.equal(publisher.name, 'send secret-tasks');
      assert.equal(publisher.attributes['akvr.region'], task.attributes['akvr.region']);
      assert.equal(task.attributes['akvr.object.name'], 'traced-secret');
      assert.equal(task.attributes['messaging.system'], 'memory');
      assert.equal(task.attributes['akvr.bus.outcome'], 'ack');
    }

    // Key Vault calls (the Azure SDK's HTTP spans) sit under the replicator runs, one chain each.
    const underTask = (span: ReceivedSpan): ReceivedSpan | undefined => {
      for (let at = parentOf(span); at; at = parentOf(at))
        if (at.name === 'process secret-tasks') return at;
      return undefined;
    };
    // The Azure SDK's pipeline spans (kind client, one per HTTP request, with the vault URL).
    const vaultHttp = trace.filter(
      (s) => s.scope === '@azure/core-rest-pipeline' && s.kind === SPAN_KIND.client,
    );
    for (const task of taskSpans) {
      const calls = vaultHttp.filter((s) => underTask(s)?.spanId === task.spanId);
      assert.ok(
        calls.length >= 2,
        `replicator in ${String(task.attributes['akvr.region'])} made Key Vault calls`,
      );
    }
    const sourceOrigin = new URL(stack.emulator.vaultUrl(SOURCE)).origin;
    assert.ok(
      vaultHttp.some(
        (s) =>
          String(s.attributes['http.url']).startsWith(sourceOrigin) && underTask(s) !== undefined,
      ),
      'the source vault read is in the trace',
    );
    assert.ok(
      trace.some(
        (s) => s.scope === '@azure/keyvault-secrets' && s.name === 'SecretClient.setSecret',
      ),
      'the replica writes are in the trace',
    );
    // Outcomes close the trace: published under the replicator runs.
    const outcomes = trace.filter(
      (s) => s.name === 'send outcomes' && s.attributes['akvr.service'] === 'replicator',
    );
    assert.equal(outcomes.length, 2);
    for (const o of outcomes) assert.ok(underTask(o));
    // Every hop over the bus: the consumer's parent is the producer of that very message.
    const consumers = trace.filter((s) => s.kind === SPAN_KIND.consumer);
    assert.ok(consumers.length >= 3);
    for (const consumer of consumers) {
      const producer = parentOf(consumer);
      assert.equal(producer?.kind, SPAN_KIND.producer, consumer.name);
      assert.equal(
        producer.attributes['messaging.message.id'],
        consumer.attributes['messaging.message.id'],
      );
    }
    // Every span of this change is in this one trace.
    const elsewhere = receiver.spans.filter(
      (s) =>
        s.traceId !== sentEvent.traceId &&
        s.attributes['akvr.object.name'] === 'traced-secret' &&
        s.name.startsWith('process '),
    );
    assert.deepEqual(
      elsewhere.map((s) => s.name),
      [],
    );
  });

  it("continues the caller's traceparent on an Event Grid delivery", async () => {
    const written = await write('caller-traced', `${CANARY}-caller`);
    await waitReplicated('caller-traced');
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const response = await fetch(`${stack.services.ingressUrl}/eventgrid`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-akv-replicator-key': stack.ingressSecret,
        traceparent: `00-${traceId}-${callerSpan}-01`,
      },
      body: JSON.stringify([
        {
          id: `redelivered-${randomBytes(4).toString('hex')}`,
          topic: `/subscriptions/${stack.emulator.subscriptionId}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${SOURCE}`,
          subject: 'caller-traced',
          eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
          eventTime: new Date().toISOString(),
          data: {
            Id: written.properties.id,
            VaultName: SOURCE,
            ObjectType: 'Secret',
            ObjectName: 'caller-traced',
            Version: written.properties.version,
          },
          dataVersion: '1',
          metadataVersion: '1',
        },
      ]),
    });
    assert.equal(response.status, 200, await response.text());
    const spans = await waitFor(
      'spans of the caller trace',
      async () => {
        await telemetry.forceFlush();
        const found = spansOf(traceId);
        return found.some((s) => s.name === 'process vault-events') ? found : undefined;
      },
      30_000,
      100,
    );
    const server = spans.find((s) => s.kind === SPAN_KIND.server);
    assert.equal(server?.parentSpanId, callerSpan);
  });

  it('exports the metrics of a known workload on /metrics', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `metered-${i}`);
    // Whether the limits above meet the burst depends on how fast this machine runs the
    // pipeline (a loaded one spreads it thin enough to meet none). So the replicas admit one
    // request a second until the pacers have counted a 429, then go back to the limits above.
    for (const r of DEMO_VAULTS.replicas)
      stack.emulator.setThrottling(
        { ...THROTTLING, maxTransactions: 1, maxSecretCreates: 1 },
        { vault: r.name },
      );
    await Promise.all(names.map((name) => write(name, `${CANARY}-${name}`)));
    await waitFor(
      'a 429 counted by the pacers',
      async () =>
        sampleValue(
          (await scrapeMetrics(telemetry.metricsUrl!)).samples,
          'akvr_keyvault_throttled_total',
        ) > 0
          ? true
          : undefined,
      30_000,
      50,
    );
    for (const r of DEMO_VAULTS.replicas)
      stack.emulator.setThrottling(THROTTLING, { vault: r.name });
    for (const name of names) await waitReplicated(name);
    // A replica copy goes missing: a resync finds it (drift) and puts it back.
    const replica = DEMO_VAULTS.replicas[0]!;
    const replicaClient = new SecretClient(
      stack.emulator.vaultUrl(replica.name),
      stack.credential,
      stack.emulator.clientOptions(),
    );
    // No pause for the throttle window: `unthrottled` retries the 429s until it has passed. A
    // 429 may answer the delete's first status poll after the DELETE itself went through, so a
    // retry can find the secret gone (404): the wait below checks that it was deleted.
    await unthrottled(() =>
      replicaClient.beginDeleteSecret('metered-0').catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      }),
    );
    await waitFor(
      'the replica copy deleted',
      () =>
        replicaClient.getDeletedSecret('metered-0').then(
          () => true,
          () => undefined,
        ),
      30_000,
      100,
    );
    await unthrottled(() => replicaClient.purgeDeletedSecret('metered-0'));
    const resync = await fetch(`${stack.services.ingressUrl}/resync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-akv-replicator-key': stack.resyncToken },
      body: JSON.stringify({ vault: SOURCE }),
    });
    assert.equal(resync.status, 202);
    await waitFor(
      `${replica.name}/metered-0 back`,
      () => replicated(replica.name, 'metered-0'),
      30_000,
      50,
    );

    // A refused delivery and an event the ingress does not replicate.
    const eventgrid = (key: string, eventType: string) =>
      fetch(`${stack.services.ingressUrl}/eventgrid`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-akv-replicator-key': key },
        body: JSON.stringify([
          {
            id: `other-${randomBytes(4).toString('hex')}`,
            topic: `/subscriptions/${stack.emulator.subscriptionId}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${SOURCE}`,
            subject: SOURCE,
            eventType,
            eventTime: new Date().toISOString(),
            data: {},
            dataVersion: '1',
            metadataVersion: '1',
          },
        ]),
      });
    assert.equal(
      (await eventgrid('wrong-key', 'Microsoft.KeyVault.SecretNewVersionCreated')).status,
      403,
    );
    assert.equal(
      (await eventgrid(stack.ingressSecret, 'Microsoft.KeyVault.VaultAccessPolicyChanged')).status,
      200,
    );
    const malformed = await fetch(`${stack.services.ingressUrl}/eventgrid`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-akv-replicator-key': stack.ingressSecret },
      body: '{"not": "an event grid delivery"',
    });
    assert.equal(malformed.status, 400);

    const { samples } = await waitFor(
      'resync done',
      async () => {
        const scraped = await scrapeMetrics(telemetry.metricsUrl!);
        const planned = sampleValue(scraped.samples, 'akvr_resync_tasks_planned_total');
        const done = sampleValue(scraped.samples, 'akvr_resync_tasks_done_total');
        return planned >= 1 && done === planned ? scraped : undefined;
      },
      30_000,
      100,
    );
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, labels);
    const secrets = names.length + 2; // + the two secrets of the tests above
    for (const r of DEMO_VAULTS.replicas)
      assert.ok(
        value('akvr_tasks_total', {
          service: 'replicator',
          outcome: 'success',
          action: 'created',
          region: r.region,
          kind: 'secret',
        }) >= secrets,
        `created tasks in ${r.region}`,
      );
    assert.equal(value('akvr_tasks_total', { outcome: 'failure' }), 0);
    assert.ok(
      value('akvr_replication_lag_seconds_count', { link: 'demo', kind: 'secret' }) >= 2 * secrets,
    );
    assert.ok(value('akvr_replication_lag_seconds_bucket', { le: '+Inf' }) >= 2 * secrets);
    assert.ok(
      value('akvr_ingress_events_total', { input: 'webhook', outcome: 'accepted' }) >= secrets,
    );
    // The refused delivery and the malformed body.
    assert.equal(value('akvr_ingress_events_total', { input: 'webhook', outcome: 'rejected' }), 2);
    assert.equal(value('akvr_ingress_events_total', { input: 'webhook', outcome: 'filtered' }), 1);
    // Each refusal also counted by its cause (Event Grid never retries them).
    for (const [status, cause] of [
      ['403', 'wrong-shared-secret'],
      ['400', 'malformed-delivery'],
    ] as const)
      assert.equal(
        value('akvr_ingress_refused_total', { endpoint: 'eventgrid', status, cause }),
        1,
        cause,
      );
    assert.ok(value('akvr_bus_published_total', { topic: 'secret-tasks' }) >= 2 * secrets);
    assert.ok(
      value('akvr_bus_delivered_total', { topic: 'secret-tasks', outcome: 'ack' }) >= 2 * secrets,
    );
    assert.equal(
      value('akvr_reconcile_drift_total', {
        link: 'demo',
        region: replica.region,
        state: 'missing',
      }),
      1,
    );
    assert.equal(value('akvr_reconcile_runs_total', { trigger: 'resync', outcome: 'success' }), 1);
    assert.ok(
      value('akvr_keyvault_requests_total', { vault: SOURCE, status_class: '2xx' }) >= secrets,
    );
    // The burst met the emulator's throttle: every 429 counted, with the backoff it cost.
    const throttled = value('akvr_keyvault_throttled_total');
    assert.ok(throttled > 0, 'the emulator throttled at least once');
    assert.equal(value('akvr_keyvault_requests_total', { status_class: '4xx' }) >= throttled, true);
    assert.ok(value('akvr_keyvault_backoff_seconds_total') > 0);
    // Bounded labels: no object name is ever a label value.
    assert.equal(
      samples.filter((s) => Object.values(s.labels).some((v) => v.startsWith('metered-'))).length,
      0,
    );
  });

  it('never lets a secret value into spans, metrics or logs, and logs carry trace ids', async () => {
    await telemetry.forceFlush();
    const { text } = await scrapeMetrics(telemetry.metricsUrl!);
    assert.ok(receiver.bodies.length > 0 && logLines.length > 0);
    // Neither the secret values nor the ingress's shared secret (Event Grid's ?code=).
    for (const secret of [CANARY, stack.ingressSecret])
      for (const [where, body] of [
        ['OTLP exports', receiver.bodies.join('\n')],
        ['metrics', text],
        ['logs', logLines.join('\n')],
      ] as const)
        assert.equal(body.includes(secret), false, `${where} contain a secret`);
    const traced = logLines
      .map((l) => JSON.parse(l) as { trace_id?: string; msg: string })
      .filter((l) => l.trace_id);
    assert.ok(
      traced.some((l) => l.msg === 'vault event fanned out'),
      'discovery logs carry trace_id',
    );
    for (const line of traced)
      assert.ok(
        receiver.spans.some((s) => s.traceId === line.trace_id),
        `trace ${line.trace_id} was exported`,
      );
  });
});
