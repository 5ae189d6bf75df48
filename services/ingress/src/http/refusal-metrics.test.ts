// test-isolation: process
// (sets the global OpenTelemetry meter provider for its run)
//
// What a refused request tells the dashboards (issue #25 mutation survivors): every refusal in
// akvr_ingress_refused_total {endpoint, status, cause}, and a refused Event Grid delivery also
// as one rejected webhook event in akvr_ingress_events_total {input, outcome} — the panel that
// shows events lost at the door. A refused POST /resync carries no events, so it counts none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, type Attributes } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { METRIC_NAMES } from '@akv-replicator/core';
import { CounterRecorder } from '@akv-replicator/core/testing';
import { createDeliveryAuthenticator } from '../auth/delivery-auth';
import { createResyncAuthenticator } from '../auth/resync-auth';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressServer } from './ingress-server';

/** What the ingress counted, summed as a scrape would. */
const recorder = new CounterRecorder();
const snapshot = () => recorder.snapshot();
const moved = (before: Map<string, number>) => recorder.moved(before);
const series = (name: string, attributes: Attributes) => CounterRecorder.series(name, attributes);

describe('refusal metrics', () => {
  let app: FastifyInstance;
  before(async () => {
    assert.ok(metrics.setGlobalMeterProvider(recorder.provider));
    // The refusal reporter is the server's default one: it counts into the real metric.
    app = createIngressServer({
      publisher: new RecordingPublisher(),
      deliveryAuth: createDeliveryAuthenticator({ sharedSecret: 'hook' }),
      resyncAuth: createResyncAuthenticator({ resyncToken: 'resync-token', host: '127.0.0.1' }),
      maxBodyBytes: 64 * 1024,
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    metrics.disable();
  });

  const post = (url: string, payload = '[]') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  it('counts a refused Event Grid delivery as a refusal and as one rejected webhook event', async () => {
    const before = snapshot();
    assert.equal((await post('/eventgrid')).statusCode, 401);
    assert.equal((await post('/eventgrid?code=wrong')).statusCode, 403);
    assert.deepEqual(moved(before), {
      [series(METRIC_NAMES.ingressRefused, {
        endpoint: 'eventgrid',
        status: '401',
        cause: 'no-credentials',
      })]: 1,
      [series(METRIC_NAMES.ingressRefused, {
        endpoint: 'eventgrid',
        status: '403',
        cause: 'wrong-shared-secret',
      })]: 1,
      [series(METRIC_NAMES.ingressEvents, { input: 'webhook', outcome: 'rejected' })]: 2,
    });
  });

  it('counts a refused POST /resync as a refusal only: it carried no events', async () => {
    const before = snapshot();
    assert.equal((await post('/resync', '{}')).statusCode, 401);
    assert.deepEqual(moved(before), {
      [series(METRIC_NAMES.ingressRefused, {
        endpoint: 'resync',
        status: '401',
        cause: 'no-credentials',
      })]: 1,
    });
  });

  it('counts a malformed delivery as a 400 refusal and as one rejected webhook event', async () => {
    const before = snapshot();
    assert.equal((await post('/eventgrid?code=hook', '{"not":"an event"}')).statusCode, 400);
    assert.deepEqual(moved(before), {
      [series(METRIC_NAMES.ingressRefused, {
        endpoint: 'eventgrid',
        status: '400',
        cause: 'malformed-delivery',
      })]: 1,
      [series(METRIC_NAMES.ingressEvents, { input: 'webhook', outcome: 'rejected' })]: 1,
    });
  });
});
