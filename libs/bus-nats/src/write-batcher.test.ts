import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  it('runs every write queued in one turn together, in order, on the next macrotask', async () => {
    const batcher = new WriteBatcher();
    const order: string[] = [];
    batcher.defer(() => order.push('a'));
    await Promise.resolve(); // microtasks do not flush it
    batcher.defer(() => order.push('b'));
    assert.deepEqual(order, []);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['a', 'b']);
  });

  it('keeps going when one write throws, and run() reports each write on its own', async () => {
    const batcher = new WriteBatcher();
    const failing = batcher.run(async () => {
      throw new Error('connection closed');
    });
    const fine = batcher.run(async () => 42);
    await assert.rejects(failing, /connection closed/);
    assert.equal(await fine, 42);
  });
});
