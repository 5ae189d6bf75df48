import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLogger, type Envelope } from '@akv-replicator/core';
import type { Publisher, PublishReceipt } from '@akv-replicator/bus';
import { RecordingPublisher } from '../testing/recording-publisher';
import { LIKELY_CAUSES } from './refusal-causes';
import { createRefusalReporter, type Refusal } from './refusal-reporter';

describe('refusal reporter', () => {
  it('reports each cause on its own schedule', () => {
    const publisher = new RecordingPublisher();
    const clock = { now: 0 };
    const reporter = createRefusalReporter({
      publisher,
      intervalMs: 1_000,
      now: () => clock.now,
      count: () => undefined,
    });
    reporter.refused({ endpoint: 'eventgrid', status: 403, cause: 'token-audience' });
    reporter.refused({ endpoint: 'eventgrid', status: 403, cause: 'token-issuer' });
    reporter.refused({ endpoint: 'resync', status: 403, cause: 'token-audience' });
    reporter.refused({ endpoint: 'eventgrid', status: 403, cause: 'token-audience' });
    const reasons = publisher.outcomes().map((o) => o.reason ?? '');
    assert.equal(reasons.length, 3);
    assert.ok(reasons[0]?.includes(LIKELY_CAUSES['token-audience']));
    assert.ok(reasons[1]?.includes(LIKELY_CAUSES['token-issuer']));
    assert.match(reasons[2] ?? '', /POST \/resync calls refused/);
  });

  it('reports a refusal as a failure naming the endpoint, the count, the status and the cause, never as a dry run', () => {
    const publisher = new RecordingPublisher();
    const reporter = createRefusalReporter({ publisher, now: () => 0, count: () => undefined });
    reporter.refused({ endpoint: 'eventgrid', status: 403, cause: 'token-audience' });
    const [outcome] = publisher.outcomes();
    assert.equal(
      outcome?.reason,
      `1 Event Grid deliveries refused with HTTP 403 (token-audience). Likely cause: ${LIKELY_CAUSES['token-audience']}.`,
    );
    assert.equal(outcome?.status, 'failure');
    // The events were really lost: the notifier must not call it a dry run.
    assert.equal(outcome?.dryRun, false);
    assert.deepEqual(outcome?.counts, { refused: 1, httpStatus: 403 });
  });

  it('logs each report with its endpoint, status, cause and how many were refused since the last one', () => {
    const logger = new MemoryLogger();
    const clock = { now: 0 };
    const reporter = createRefusalReporter({
      publisher: new RecordingPublisher(),
      logger,
      intervalMs: 1_000,
      now: () => clock.now,
      count: () => undefined,
    });
    const refusal = { endpoint: 'eventgrid', status: 401, cause: 'no-credentials' } as const;
    reporter.refused(refusal);
    reporter.refused(refusal);
    reporter.refused(refusal);
    clock.now = 1_000;
    reporter.refused(refusal);
    assert.deepEqual(
      logger.lines.map((l) => [l.level, l.message, l.fields]),
      [
        ['warn', 'ingress requests refused', { ...refusal, refused: 1 }],
        ['warn', 'ingress requests refused', { ...refusal, refused: 3 }],
      ],
    );
  });

  it('flush waits until the reports in flight have reached the bus', async () => {
    const released: (() => void)[] = [];
    const reached: Envelope[] = [];
    const publisher: Publisher = {
      publish: (_topic, envelope) =>
        new Promise<PublishReceipt>((resolve) =>
          released.push(() => {
            reached.push(envelope);
            resolve({ duplicate: false });
          }),
        ),
    };
    const reporter = createRefusalReporter({ publisher, now: () => 0, count: () => undefined });
    reporter.refused({ endpoint: 'eventgrid', status: 403, cause: 'token-issuer' });
    reporter.refused({ endpoint: 'resync', status: 401, cause: 'no-credentials' });
    let flushed = false;
    const flushing = reporter.flush().then(() => (flushed = true));
    // Let every already-settled promise run: the reports are still in flight, so flush waits.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(flushed, false, 'flush resolved while two reports were in flight');
    released.shift()?.();
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(flushed, false, 'flush resolved while one report was in flight');
    released.shift()?.();
    await flushing;
    assert.equal(reached.length, 2);
    await reporter.flush(); // nothing in flight: resolves at once
  });

  it('never throws when the bus is down, counts anyway, and logs that it could not report, naming the cause and the error', async () => {
    const publisher = new RecordingPublisher();
    publisher.failing = true;
    const logger = new MemoryLogger();
    const counted: Refusal[] = [];
    const reporter = createRefusalReporter({
      publisher,
      logger,
      count: (r) => counted.push(r),
    });
    reporter.refused({ endpoint: 'eventgrid', status: 401, cause: 'no-credentials' });
    await reporter.flush();
    assert.equal(counted.length, 1);
    const line = logger.lines.find((l) => l.message === 'could not report refused requests');
    assert.deepEqual(line?.fields, { cause: 'no-credentials', error: 'connection refused' });
  });

  it('logs once per report, not once per refused request', () => {
    const logger = new MemoryLogger();
    const reporter = createRefusalReporter({
      publisher: new RecordingPublisher(),
      logger,
      now: () => 0,
      count: () => undefined,
    });
    for (let i = 0; i < 100; i++)
      reporter.refused({ endpoint: 'eventgrid', status: 401, cause: 'no-credentials' });
    assert.equal(logger.lines.filter((l) => l.message === 'ingress requests refused').length, 1);
  });

  it('names a likely cause for every refusal cause', () => {
    for (const [cause, text] of Object.entries(LIKELY_CAUSES))
      assert.ok(text.length > 40, `${cause} has a usable explanation`);
  });
});
