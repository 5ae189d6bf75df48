import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { METRIC_NAMES, instruments, recordReconcileFailure } from '@akv-replicator/core';
import { redactQuery, startTelemetry } from './start-telemetry';
import { sampleValue, scrapeMetrics, startOtlpReceiver } from './testing';

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
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(receiver.bodies, []);
    } finally {
      await telemetry.shutdown();
      await receiver.close();
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
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
});
