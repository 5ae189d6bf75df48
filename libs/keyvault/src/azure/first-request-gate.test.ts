import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FirstRequestGate } from './first-request-gate';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FirstRequestGate', () => {
  it('starts nothing else until the first request has settled, then lets the rest run together', async () => {
    const gate = new FirstRequestGate();
    const started: string[] = [];
    let finishFirst!: () => void;
    const first = gate.run(() => {
      started.push('first');
      return new Promise<void>((resolve) => (finishFirst = resolve));
    });
    const others = ['b', 'c'].map((id) =>
      gate.run(async () => {
        started.push(id);
      }),
    );
    await tick();
    assert.deepEqual(started, ['first']);
    finishFirst();
    await Promise.all([first, ...others]);
    assert.deepEqual(started, ['first', 'b', 'c']);
  });

  it('releases the others when the first request fails', async () => {
    const gate = new FirstRequestGate();
    const first = gate.run(() => Promise.reject(new Error('401 then refused')));
    const second = gate.run(async () => 'ran');
    await assert.rejects(first, /refused/);
    assert.equal(await second, 'ran');
  });
});
