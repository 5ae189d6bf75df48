import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SettlementQueue } from './settlement-queue';

/** A settlement the test confirms (or fails) by hand, recording when the queue started it. */
function settlement(log: string[], name: string) {
  let confirm!: () => void;
  let fail!: (error: Error) => void;
  const run = (): Promise<string> => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      confirm = () => resolve(name);
      fail = reject;
    });
  };
  return { run, confirm: () => confirm(), fail: (error: Error) => fail(error) };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SettlementQueue', () => {
  it('lets settlements with the same key run together', async () => {
    const queue = new SettlementQueue();
    const log: string[] = [];
    const a = settlement(log, 'complete A');
    const b = settlement(log, 'complete B');
    const done = [queue.run('complete', a.run), queue.run('complete', b.run)];
    assert.deepEqual(log, ['start complete A', 'start complete B']);
    a.confirm();
    b.confirm();
    assert.deepEqual(await Promise.all(done), ['complete A', 'complete B']);
    assert.equal(queue.pending, 0);
  });

  it('runs a keyless settlement alone: after those before it are confirmed, before those after it', async () => {
    const queue = new SettlementQueue();
    const log: string[] = [];
    const a = settlement(log, 'complete A');
    const d = settlement(log, 'dead-letter D');
    const e = settlement(log, 'dead-letter E');
    const b = settlement(log, 'complete B');
    const done = [
      queue.run('complete', a.run),
      queue.run(undefined, d.run),
      queue.run(undefined, e.run),
      queue.run('complete', b.run),
    ];
    await turn();
    assert.deepEqual(log, ['start complete A'], 'the dead-letter waits for the complete');
    a.confirm();
    await turn();
    assert.deepEqual(log.slice(1), ['start dead-letter D'], 'alone, not with E');
    d.confirm();
    await turn();
    assert.deepEqual(log.slice(2), ['start dead-letter E']);
    e.confirm();
    await turn();
    assert.deepEqual(log.slice(3), ['start complete B']);
    b.confirm();
    await Promise.all(done);
    assert.equal(queue.pending, 0);
  });

  it('keeps FIFO order: a complete issued behind a waiting abandon does not overtake it', async () => {
    const queue = new SettlementQueue();
    const log: string[] = [];
    const a = settlement(log, 'complete A');
    const r = settlement(log, 'abandon R');
    const b = settlement(log, 'complete B');
    const done = [
      queue.run('complete', a.run),
      queue.run('abandon', r.run),
      queue.run('complete', b.run),
    ];
    await turn();
    assert.deepEqual(log, ['start complete A']);
    a.confirm();
    await turn();
    assert.deepEqual(log.slice(1), ['start abandon R']);
    r.confirm();
    await turn();
    assert.deepEqual(log.slice(2), ['start complete B']);
    b.confirm();
    await Promise.all(done);
  });

  it('hands a failed settlement back to its caller and moves on', async () => {
    const queue = new SettlementQueue();
    const log: string[] = [];
    const d = settlement(log, 'dead-letter D');
    const a = settlement(log, 'complete A');
    const failed = queue.run(undefined, d.run);
    const next = queue.run('complete', a.run);
    d.fail(new Error('lock lost'));
    await assert.rejects(failed, /lock lost/);
    await turn();
    assert.deepEqual(log, ['start dead-letter D', 'start complete A']);
    a.confirm();
    assert.equal(await next, 'complete A');
    await assert.rejects(
      queue.run(undefined, () => {
        throw new Error('thrown before any promise');
      }),
      /thrown before any promise/,
    );
    assert.equal(queue.pending, 0);
  });
});
