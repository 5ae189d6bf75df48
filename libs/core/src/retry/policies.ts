import { exponentialBackoff, steppedBackoff, type RetryPolicy } from './retry-policy';

/**
 * After a Key Vault 429: wait 1, 2, 4, 8, 16 s, then give up (the bus retries the task later).
 * The doubling from 1 s over five retries is Key Vault's own guidance ("Azure Key Vault
 * throttling guidance", https://learn.microsoft.com/azure/key-vault/general/overview-throttling).
 * ±20 % jitter is ours: workers throttled together must not retry in lockstep.
 */
export const KEY_VAULT_THROTTLE_RETRY: RetryPolicy = exponentialBackoff({
  name: 'keyVaultThrottle',
  initialDelayMs: 1_000,
  maxRetries: 5,
  jitter: 0.2,
});

/**
 * A bus handler threw: redeliver after 1 s, 5 s, 30 s, then every 2 min. The subscription's
 * maxDeliveries bounds it (then the message is dead-lettered).
 */
export const BUS_REDELIVERY_RETRY: RetryPolicy = steppedBackoff({
  name: 'busRedelivery',
  delaysMs: [1_000, 5_000, 30_000, 120_000],
});

/**
 * A converge task failed retryably (Key Vault down, still throttled): 1 s doubling to 30 s,
 * by delivery; maxDeliveries bounds it.
 */
export const CONVERGE_TASK_RETRY: RetryPolicy = exponentialBackoff({
  name: 'convergeTask',
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
});

/**
 * Publishing to a broker that refused or did not answer (restarting, failing over): 50 ms
 * doubling to 1 s, until the publish timeout. Short because a publish is on a caller's path.
 */
export const BROKER_PUBLISH_RETRY: RetryPolicy = exponentialBackoff({
  name: 'brokerPublish',
  initialDelayMs: 50,
  maxDelayMs: 1_000,
});

/**
 * A notification channel failed (SMTP, webhook): 1 s doubling to 60 s with ±20 % jitter, four
 * retries (five attempts) before the message is dead-lettered.
 */
export const NOTIFICATION_DELIVERY_RETRY: RetryPolicy = exponentialBackoff({
  name: 'notificationDelivery',
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxRetries: 4,
  jitter: 0.2,
});

/**
 * A certificate import into Key Vault failed (Key Vault down, throttled): the Kubernetes
 * Secret is pushed again after 1 s doubling to 30 s, for as long as the converter runs.
 */
export const CERTIFICATE_PUSH_RETRY: RetryPolicy = exponentialBackoff({
  name: 'certificatePush',
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
});

/**
 * A Kubernetes watch ended with an error: re-establish it after 1 s doubling to 30 s; a
 * successful restart starts again from 1 s.
 */
export const WATCH_RESTART_RETRY: RetryPolicy = exponentialBackoff({
  name: 'watchRestart',
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
});
