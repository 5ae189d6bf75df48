import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('runs work for one key one after the other, and different keys side by side', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (key: string, id: string, ms: number) =>
      lock.run(key, async () => {
        log.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, ms)); // work that takes time, not a wait
        log.push(`end ${id}`);
      });
    await Promise.all([step('a', 'a1', 30), step('a', 'a2', 1), step('b', 'b1', 1)]);
    assert.ok(log.indexOf('end a1') < log.indexOf('start a2'), log.join(', '));
    assert.ok(log.indexOf('start b1') < log.indexOf('end a1'), 'another key does not wait');
  });

  it('releases the key when the work fails', async () => {
    const lock = new KeyedLock();
    await assert.rejects(
      lock.run('a', async () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await lock.run('a', async () => 'next'), 'next');
  });
});
