import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BROKER_PUBLISH_RETRY,
  BUS_REDELIVERY_RETRY,
  CERTIFICATE_PUSH_RETRY,
  CONVERGE_TASK_RETRY,
  KEY_VAULT_THROTTLE_RETRY,
  NOTIFICATION_DELIVERY_RETRY,
  WATCH_RESTART_RETRY,
} from './policies';
import { mayRetry, nominalDelaysMs, retryDelayMs } from './retry-policy';

const LOWEST = () => 0;
const HIGHEST = () => 0.999_999;

describe('named retry policies', () => {
  it('Key Vault 429: 1, 2, 4, 8, 16 s as Key Vault documents, then gives up', () => {
    assert.deepEqual(
      nominalDelaysMs(KEY_VAULT_THROTTLE_RETRY),
      [1_000, 2_000, 4_000, 8_000, 16_000],
    );
    assert.equal(mayRetry(KEY_VAULT_THROTTLE_RETRY, 6), false);
  });

  it('Key Vault 429: each delay within ±20 % so throttled workers spread out', () => {
    assert.equal(retryDelayMs(KEY_VAULT_THROTTLE_RETRY, 5, LOWEST), 12_800);
    assert.equal(retryDelayMs(KEY_VAULT_THROTTLE_RETRY, 5, HIGHEST), 19_200);
  });

  it('bus redelivery: 1 s, 5 s, 30 s, then every 2 min, exact', () => {
    assert.deepEqual(
      nominalDelaysMs(BUS_REDELIVERY_RETRY, 6),
      [1_000, 5_000, 30_000, 120_000, 120_000, 120_000],
    );
    assert.equal(retryDelayMs(BUS_REDELIVERY_RETRY, 2, HIGHEST), 5_000);
  });

  it('converge task and certificate push: 1 s doubling to 30 s, exact', () => {
    const expected = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    assert.deepEqual(nominalDelaysMs(CONVERGE_TASK_RETRY, 7), expected);
    assert.deepEqual(nominalDelaysMs(CERTIFICATE_PUSH_RETRY, 7), expected);
    assert.equal(retryDelayMs(CONVERGE_TASK_RETRY, 3, HIGHEST), 4_000);
  });

  it('broker publish: 50 ms doubling to 1 s, unbounded in count (the publish timeout ends it)', () => {
    assert.deepEqual(
      nominalDelaysMs(BROKER_PUBLISH_RETRY, 7),
      [50, 100, 200, 400, 800, 1_000, 1_000],
    );
    assert.equal(mayRetry(BROKER_PUBLISH_RETRY, 1_000_000), true);
  });

  it('notification delivery: five attempts, 1 s doubling, ±20 %, never above 60 s', () => {
    assert.deepEqual(nominalDelaysMs(NOTIFICATION_DELIVERY_RETRY), [1_000, 2_000, 4_000, 8_000]);
    assert.equal(mayRetry(NOTIFICATION_DELIVERY_RETRY, 5), false);
    assert.equal(retryDelayMs(NOTIFICATION_DELIVERY_RETRY, 1, LOWEST), 800);
    assert.equal(retryDelayMs(NOTIFICATION_DELIVERY_RETRY, 60, HIGHEST), 60_000);
  });

  it('each schedule has its own name, so a gave-up error or log line says which one ran out', () => {
    const names = [
      KEY_VAULT_THROTTLE_RETRY,
      BUS_REDELIVERY_RETRY,
      CONVERGE_TASK_RETRY,
      BROKER_PUBLISH_RETRY,
      NOTIFICATION_DELIVERY_RETRY,
      CERTIFICATE_PUSH_RETRY,
      WATCH_RESTART_RETRY,
    ].map((policy) => policy.name);
    assert.equal(new Set(names).size, names.length, names.join(', '));
    for (const name of names) assert.match(name, /^[a-z][a-zA-Z]+$/);
  });

  it('watch restart: 1 s doubling to 30 s', () => {
    assert.deepEqual(
      nominalDelaysMs(WATCH_RESTART_RETRY, 7),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
  });
});
