import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLogger } from '@akv-replicator/core';
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

  it('never throws when the bus is down, counts anyway, and logs that it could not report', async () => {
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
    assert.match(logger.text(), /could not report refused requests/);
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
