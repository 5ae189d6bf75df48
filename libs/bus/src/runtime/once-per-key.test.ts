import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OncePerKey } from './once-per-key';

describe('OncePerKey', () => {
  it('runs the setup once per key, shared by concurrent callers', async () => {
    const once = new OncePerKey();
    const runs: string[] = [];
    const setup = (key: string) => async () => {
      runs.push(key);
      await Promise.resolve();
    };
    await Promise.all([
      once.run('a', setup('a')),
      once.run('a', setup('a')),
      once.run('b', setup('b')),
    ]);
    await once.run('a', setup('a'));
    assert.deepEqual(runs, ['a', 'b']);
  });

  it('forgets a failed setup, so the next call tries again', async () => {
    const once = new OncePerKey();
    let calls = 0;
    const flaky = () =>
      ++calls === 1 ? Promise.reject(new Error('broker restarting')) : Promise.resolve();
    await assert.rejects(once.run('t', flaky), /broker restarting/);
    await once.run('t', flaky);
    await once.run('t', flaky);
    assert.equal(calls, 2);
  });
});
