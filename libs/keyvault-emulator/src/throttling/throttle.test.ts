import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock';
import { isServiceError } from '../errors';
import { resolveThrottlingOptions, Throttle } from './throttle';

const throttledError = (error: unknown): boolean =>
  isServiceError(error) && error.statusCode === 429 && error.code === 'Throttled';

describe('Throttle', () => {
  it("defaults to Key Vault's limits: 4,000 transactions and 300 secret creates per 10 s", () => {
    const options = resolveThrottlingOptions();
    assert.equal(options.windowMs, 10_000);
    assert.equal(options.maxTransactions, 4_000);
    assert.equal(options.maxSecretCreates, 300);
    const throttle = new Throttle(options, new ManualClock(0));
    for (let i = 0; i < 300; i += 1) throttle.admit('kv', true);
    assert.throws(() => throttle.admit('kv', true), throttledError);
    for (let i = 0; i < 3_700; i += 1) throttle.admit('kv', false);
    assert.throws(() => throttle.admit('kv', false), throttledError);
  });

  it('counts per vault and starts afresh in the next window', () => {
    const clock = new ManualClock(0);
    const throttle = new Throttle(resolveThrottlingOptions({ maxTransactions: 2 }), clock);
    throttle.admit('a', false);
    throttle.admit('a', false);
    assert.throws(() => throttle.admit('a', false), throttledError);
    throttle.admit('b', false);
    clock.advance(10_000);
    throttle.admit('a', false);
  });

  it('rejected requests do not use up budget, and Retry-After is only sent when configured', () => {
    const throttle = new Throttle(
      resolveThrottlingOptions({ maxTransactions: 1, retryAfterSeconds: 3 }),
      new ManualClock(0),
    );
    throttle.admit('a', false);
    assert.throws(
      () => throttle.admit('a', false),
      (error: unknown) => isServiceError(error) && error.headers['retry-after'] === '3',
    );
    const silent = new Throttle(
      resolveThrottlingOptions({ maxTransactions: 1 }),
      new ManualClock(0),
    );
    silent.admit('a', false);
    assert.throws(
      () => silent.admit('a', false),
      (error: unknown) => isServiceError(error) && !('retry-after' in error.headers),
    );
  });

  it('can be turned off and rejects invalid limits early', () => {
    const throttle = new Throttle(
      resolveThrottlingOptions({ enabled: false, maxTransactions: 1 }),
      new ManualClock(0),
    );
    for (let i = 0; i < 10; i += 1) throttle.admit('a', true);
    assert.throws(
      () => resolveThrottlingOptions({ maxTransactions: 0 }),
      /throttling.maxTransactions/,
    );
    assert.throws(() => resolveThrottlingOptions({ windowMs: 1.5 }), /throttling.windowMs/);
  });

  it('limits a subscription in a region to 5x the per-vault limits, across its vaults', () => {
    const options = resolveThrottlingOptions({ maxTransactions: 4, maxSecretCreates: 2 });
    assert.equal(options.subscriptionMaxTransactions, 20);
    assert.equal(options.subscriptionMaxSecretCreates, 10);
    const clock = new ManualClock(0);
    const throttle = new Throttle(options, clock);
    const weu = { subscriptionId: 'sub-a', region: 'westeurope' };
    // Five vaults use up the subscription's 10 creates without reaching their own limit of 2.
    for (let vault = 0; vault < 5; vault += 1)
      for (let i = 0; i < 2; i += 1) throttle.admit(`kv${vault}`, true, weu);
    assert.throws(
      () => throttle.admit('kv5', true, weu),
      (error: unknown) => throttledError(error) && /subscription/.test((error as Error).message),
    );
    // Another region and another subscription have their own budgets.
    throttle.admit('kv6', true, { subscriptionId: 'sub-a', region: 'northeurope' });
    throttle.admit('kv7', true, { subscriptionId: 'sub-b', region: 'westeurope' });
    // Reads go on until the subscription's 20 transactions are used (10 creates + 10 reads).
    for (let vault = 0; vault < 5; vault += 1)
      for (let i = 0; i < 2; i += 1) throttle.admit(`kv${vault}`, false, weu);
    assert.throws(() => throttle.admit('kv5', false, weu), throttledError);
    clock.advance(10_000);
    throttle.admit('kv5', true, weu);
  });

  it('rejected by the subscription, a request counts against neither budget', () => {
    const throttle = new Throttle(
      resolveThrottlingOptions({ maxTransactions: 3, subscriptionMaxTransactions: 3 }),
      new ManualClock(0),
    );
    const scope = { subscriptionId: 's', region: 'r' };
    for (let i = 0; i < 3; i += 1) throttle.admit('a', false, scope);
    assert.throws(() => throttle.admit('b', false, scope), throttledError);
    // 'b' was not charged: alone (no subscription scope) it still has its 3 transactions.
    for (let i = 0; i < 3; i += 1) throttle.admit('b', false);
    assert.throws(
      () => resolveThrottlingOptions({ subscriptionMaxSecretCreates: 0 }),
      /throttling.subscriptionMaxSecretCreates/,
    );
  });
});
