// test-isolation: process — starts telemetry, which installs the process-wide OpenTelemetry
// meter provider; two files doing so in one process would read each other's metrics.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_NAMES, recordIngressRefusal } from '@akv-replicator/core';
import { startTelemetry, type Telemetry } from './start-telemetry';
import { sampleValue, scrapeMetrics } from './testing';

let telemetry: Telemetry;
before(async () => {
  telemetry = await startTelemetry({
    serviceName: 'ingress-refused',
    config: { tracing: false, metricsPort: 0 },
    metricsHost: '127.0.0.1',
  });
});
after(() => telemetry.shutdown());

it('exports refused ingress requests as akvr_ingress_refused_total {endpoint, status, cause}', async () => {
  recordIngressRefusal('eventgrid', 403, 'wrong-shared-secret');
  recordIngressRefusal('eventgrid', 403, 'wrong-shared-secret');
  recordIngressRefusal('resync', 401, 'no-credentials');
  const { samples } = await scrapeMetrics(telemetry.metricsUrl!);
  assert.equal(METRIC_NAMES.ingressRefused, 'akvr_ingress_refused_total');
  assert.equal(
    sampleValue(samples, METRIC_NAMES.ingressRefused, {
      endpoint: 'eventgrid',
      status: '403',
      cause: 'wrong-shared-secret',
    }),
    2,
  );
  assert.equal(
    sampleValue(samples, METRIC_NAMES.ingressRefused, { endpoint: 'resync', status: '401' }),
    1,
  );
});
