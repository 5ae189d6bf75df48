import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceBusError } from '@azure/service-bus';
import { BusClosedError } from '@akv-replicator/bus';
import { ServiceBusTransportError, translateServiceBusError } from './errors';

const site = { operation: 'publish', topic: 'secret-tasks' };

describe('vendor error translation', () => {
  it('keeps the SDK reason as code and its retryable verdict', () => {
    // The SDK sets `retryable` when it translates a wire error; mimic that verdict here.
    const busy = translateServiceBusError(
      Object.assign(new ServiceBusError('busy', 'ServiceBusy'), { retryable: true }),
      site,
    );
    assert.ok(busy instanceof ServiceBusTransportError);
    assert.equal(busy.code, 'ServiceBusServiceBusy');
    assert.equal(busy.retryable, true);
    assert.equal(busy.fields['topic'], 'secret-tasks');
    const missing = translateServiceBusError(
      Object.assign(new ServiceBusError('nope', 'MessagingEntityNotFound'), { retryable: false }),
      site,
    );
    assert.equal(missing.code, 'ServiceBusMessagingEntityNotFound');
    assert.equal(missing.retryable, false);
    assert.match(missing.message, /publish on secret-tasks failed: MessagingEntityNotFound/);
    assert.ok(missing.cause instanceof ServiceBusError);
  });

  it('judges an SDK AggregateError of retried attempts by its last attempt', () => {
    const denied = Object.assign(new ServiceBusError('denied', 'UnauthorizedAccess'), {
      retryable: false,
    });
    const error = translateServiceBusError(new AggregateError([new Error('first'), denied]), site);
    assert.equal(error.code, 'ServiceBusUnauthorizedAccess');
    assert.equal(error.retryable, false);
  });

  it('classifies administration (HTTP) failures by status', () => {
    assert.equal(translateServiceBusError({ statusCode: 429 }, site).retryable, true);
    const forbidden = translateServiceBusError({ statusCode: 403 }, site);
    assert.equal(forbidden.retryable, false);
    assert.equal(forbidden.code, 'ServiceBusHttp403');
  });

  it('passes bus errors through and treats unknown failures as retryable', () => {
    const closed = new BusClosedError('publish');
    assert.equal(translateServiceBusError(closed, site), closed);
    assert.equal(translateServiceBusError(new Error('socket hang up'), site).retryable, true);
  });
});
