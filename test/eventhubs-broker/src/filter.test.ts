import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError, parseSelector } from './filter';

describe('selector filter', () => {
  it('reads every expression @azure/event-hubs 6.x writes', () => {
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-offset > '-1'"), { kind: 'earliest' });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-offset > '@latest'"), {
      kind: 'latest',
    });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-offset >= '1024'"), {
      kind: 'offset',
      value: 1024,
      inclusive: true,
    });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-offset > '1024'"), {
      kind: 'offset',
      value: 1024,
      inclusive: false,
    });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-sequence-number > '-1'"), {
      kind: 'sequence',
      value: -1,
      inclusive: false,
    });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-sequence-number >= '7'"), {
      kind: 'sequence',
      value: 7,
      inclusive: true,
    });
    assert.deepEqual(parseSelector("amqp.annotation.x-opt-enqueued-time > '1700000000000'"), {
      kind: 'enqueued',
      value: 1_700_000_000_000,
    });
  });

  it('refuses anything else with a FilterSyntaxError naming the problem', () => {
    for (const bad of [
      '',
      "amqp.annotation.x-opt-offset < '5'",
      "amqp.annotation.x-opt-offset = '5'",
      "amqp.annotation.x-opt-partition-key > 'a'",
      'amqp.annotation.x-opt-offset > 5',
      "amqp.annotation.x-opt-offset > '1.5'",
      "amqp.annotation.x-opt-offset > '-2'",
      "amqp.annotation.x-opt-sequence-number > '-2'",
      "amqp.annotation.x-opt-sequence-number > '99999999999999999999'",
      "amqp.annotation.x-opt-enqueued-time > 'yesterday'",
      "amqp.annotation.x-opt-offset > '1' OR 1=1",
    ]) {
      assert.throws(() => parseSelector(bad), FilterSyntaxError, bad);
    }
  });
});
