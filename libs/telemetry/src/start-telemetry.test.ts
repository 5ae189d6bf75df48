// test-isolation: process — asserts which modules this process has loaded (none of the trace SDK
// with tracing off), so it cannot share a process with files that load them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { METRIC_NAMES, instruments, recordReconcileFailure } from '@akv-replicator/core';
import { redactQuery, startTelemetry } from './start-telemetry';
import { SPAN_KIND, sampleValue, scrapeMetrics, startOtlpReceiver } from './testing';

describe('startTelemetry', () => {
  it('with tracing off starts no SDK and exports nothing, but serves /metrics on a free port', async () => {
    const receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    const telemetry = await startTelemetry({
      serviceName: 'off',
      config: { tracing: false, metricsPort: 0 },
      metricsHost: '127.0.0.1',
    });
    try {
      assert.equal(telemetry.tracing, false);
      const span = trace.getTracer('test').startSpan('nothing');
      assert.equal(span.isRecording(), false, 'the API no-op tracer');
      span.end();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      assert.deepEqual(
        loaded.filter((path) =>
          /@opentelemetry[\\/](sdk-node|sdk-trace-node|exporter-trace)/.test(path),
        ),
        [],
        'no trace SDK or exporter module loaded',
      );
      instruments().tasks.add(1, {
        service: 'replicator',
        kind: 'secret',
        action: 'created',
        outcome: 'success',
        region: 'westeurope',
      });
      recordReconcileFailure('resync');
      assert.match(telemetry.metricsUrl!, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const { samples } = await scrapeMetrics(telemetry.metricsUrl!);
      assert.equal(sampleValue(samples, METRIC_NAMES.tasks, { outcome: 'success' }), 1);
      assert.equal(
        sampleValue(samples, METRIC_NAMES.reconcileRuns, { trigger: 'resync', outcome: 'failure' }),
        1,
      );
      // Shutting down flushes every exporter and waits for its requests: whatever telemetry
      // would have sent to the OTLP endpoint has reached the receiver by then (no pause).
      await telemetry.shutdown();
      assert.deepEqual(receiver.bodies, []);
    } finally {
      await telemetry.shutdown();
      await receiver.close();
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  });

  it('a metrics port in use: no endpoint (logged), or a free one with freePortWhenTaken', async () => {
    const { createServer } = createRequire(import.meta.url)('node:http') as typeof Http;
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: '127.0.0.1', port: 0 }, r));
    const taken = (holder.address() as AddressInfo).port;
    const logged: string[] = [];
    const logger = {
      debug: () => {},
      info: (m: string) => logged.push(`info ${m}`),
      warn: () => {},
      error: (m: string) => logged.push(`error ${m}`),
      child: () => logger,
    };
    const config = { tracing: false, metricsPort: taken };
    try {
      const strict = await startTelemetry({
        serviceName: 'taken',
        config,
        metricsHost: '127.0.0.1',
        logger,
      });
      assert.equal(strict.metricsUrl, undefined);
      assert.ok(logged.includes('error metrics endpoint not started'), logged.join('\n'));
      await strict.shutdown();
      logged.length = 0;
      const local = await startTelemetry({
        serviceName: 'taken',
        config,
        metricsHost: '127.0.0.1',
        logger,
        freePortWhenTaken: true,
      });
      try {
        const port = Number(new URL(local.metricsUrl!).port);
        assert.notEqual(port, taken);
        assert.ok(port > 0);
        assert.equal((await fetch(local.metricsUrl!)).status, 200);
        assert.deepEqual(logged, [
          'info metrics port in use; serving metrics on a free port',
          'info telemetry started',
        ]);
      } finally {
        await local.shutdown();
      }
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('OTEL_SDK_DISABLED=true turns everything off', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      const telemetry = await startTelemetry({
        serviceName: 'disabled',
        config: { tracing: true, metricsPort: 0 },
      });
      assert.equal(telemetry.tracing, false);
      assert.equal(telemetry.metricsUrl, undefined);
      await telemetry.shutdown();
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });

  it('keeps query parameter names in span URLs but drops their values', () => {
    assert.equal(
      redactQuery('http://h/eventgrid?code=s3cr3t&api-version=7.5&x=1'),
      'http://h/eventgrid?code=REDACTED&api-version=7.5&x=REDACTED',
    );
    assert.equal(
      redactQuery('/secrets/a?api%2Dversion=2025-07-01'),
      '/secrets/a?api%2Dversion=2025-07-01',
    );
  });

  // Event Grid authenticates the webhook with ?code=<shared secret>. instrumentation-http 0.223
  // writes only the stable HTTP semantic conventions (the old http.target / http.url are gone,
  // whatever OTEL_SEMCONV_STABILITY_OPT_IN says): the query travels as url.query, without "?".
  it('exports no query value of an incoming request (url.query, no old http.target)', async () => {
    const receiver = await startOtlpReceiver();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SEMCONV_STABILITY_OPT_IN: 'http/dup',
    };
    Object.assign(process.env, env);
    const telemetry = await startTelemetry({
      serviceName: 'webhook',
      config: { tracing: true, metricsPort: 0 },
      metricsHost: '127.0.0.1',
    });
    // Loaded after the SDK started, as a service's HTTP server is, so it is instrumented.
    const http = createRequire(import.meta.url)('node:http') as typeof Http;
    const server = http.createServer((_request, response) => response.end('ok'));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const response = await fetch(
        `http://127.0.0.1:${port}/eventgrid?code=s3cr3t&api-version=7.5`,
        { method: 'POST' },
      );
      await response.text();
      await telemetry.forceFlush();
      const span = receiver.spans.find((s) => s.kind === SPAN_KIND.server);
      assert.ok(span, 'the request was traced');
      assert.equal(span.attributes['url.query'], 'code=REDACTED&api-version=7.5');
      assert.equal(span.attributes['url.path'], '/eventgrid');
      assert.equal(span.attributes['http.target'], undefined);
      assert.ok(!receiver.bodies.join('\n').includes('s3cr3t'), 'the shared secret was exported');
      // Nor does the HTTP instrumentation's Host-labelled histogram reach /metrics.
      const scraped = await (await fetch(telemetry.metricsUrl!)).text();
      assert.doesNotMatch(scraped, /^http_server_(request_)?duration/m);
    } finally {
      server.close();
      await telemetry.shutdown();
      await receiver.close();
      for (const name of Object.keys(env)) delete process.env[name];
    }
  });
});
