import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusOptionsError } from '@akv-replicator/bus';
import { headerValue, messageHeaders, readProperties, readTraceContext } from './nats-headers';
import {
  deadLetterSubject,
  durableName,
  laneFilterSubject,
  messageSubject,
  routingKeyOf,
  streamName,
} from './nats-naming';
import { DEFAULT_NATS_PREFIX, resolveNatsBusOptions } from './nats-options';

describe('NATS naming and headers', () => {
  it('maps topics, routing keys and lanes to streams, subjects and durables', () => {
    assert.equal(streamName('akvr', 'secret-tasks'), 'akvr_secret-tasks');
    assert.equal(
      messageSubject('akvr', 'secret-tasks', 'westeurope'),
      'akvr.secret-tasks.westeurope',
    );
    assert.equal(messageSubject('akvr', 'secret-tasks', undefined), 'akvr.secret-tasks._');
    assert.equal(laneFilterSubject('akvr', 'secret-tasks', undefined), 'akvr.secret-tasks.*');
    assert.equal(durableName('replicator', 'westeurope'), 'replicator__westeurope');
    assert.equal(routingKeyOf('akvr.secret-tasks.westeurope'), 'westeurope');
    assert.equal(routingKeyOf('akvr.secret-tasks._'), undefined);
    assert.equal(deadLetterSubject('akvr', 'outcomes', undefined), 'akvr.dlq.outcomes.*');
  });

  it('round-trips properties and trace context through headers, one line each', () => {
    const h = messageHeaders(
      { link: 'prod-dr', 'odd key': 'v' },
      { traceparent: '00-a-b-01', tracestate: 'x=1' },
    );
    assert.deepEqual(readProperties(h), { link: 'prod-dr', 'odd key': 'v' });
    assert.deepEqual(readTraceContext(h), { traceparent: '00-a-b-01', tracestate: 'x=1' });
    assert.equal(headerValue('line one\r\nline two'), 'line one line two');
  });

  it('validates connection options early', () => {
    assert.equal(
      resolveNatsBusOptions({ servers: 'nats://127.0.0.1:1' }).prefix,
      DEFAULT_NATS_PREFIX,
    );
    assert.throws(() => resolveNatsBusOptions({ servers: [] }), BusOptionsError);
    assert.throws(() => resolveNatsBusOptions({ servers: 'nats://x', prefix: 'a.b' }), /prefix/);
  });
});
