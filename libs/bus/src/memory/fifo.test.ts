import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fifo } from './fifo';

describe('Fifo', () => {
  it('keeps order across push, shift, unshift and compaction', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 5_000; i++) fifo.push(i);
    for (let i = 0; i < 3_000; i++) assert.equal(fifo.shift(), i);
    fifo.unshift(2_999);
    assert.equal(fifo.length, 2_001);
    assert.deepEqual([...fifo].slice(0, 3), [2_999, 3_000, 3_001]);
    const rest: number[] = [];
    for (let item = fifo.shift(); item !== undefined; item = fifo.shift()) rest.push(item);
    assert.equal(rest.length, 2_001);
    assert.equal(rest.at(-1), 4_999);
    assert.equal(fifo.shift(), undefined);
  });
});
