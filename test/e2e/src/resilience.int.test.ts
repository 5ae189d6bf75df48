import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { MemoryLogger, TOPICS, type OutcomeData } from '@akv-replicator/core';
import { ack } from '@akv-replicator/bus';
import {
  startLocalStack,
  DEMO_VAULTS,
  type LocalStack,
  type LocalStackOptions,
} from 'akv-replicator';
import { waitFor } from './wait-for';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function start(
  options: LocalStackOptions,
): Promise<{ stack: LocalStack; outcomes: OutcomeData[]; statuses: number[] }> {
  const statuses: number[] = [];
  const counter: PipelinePolicy = {
    name: 'count-statuses',
    async sendRequest(request, next) {
      const response = await next(request);
      statuses.push(response.status);
      return response;
    },
  };
  stack = await startLocalStack({
    ...options,
    additionalPolicies: [{ policy: counter, position: 'perRetry' }],
    configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
  });
  const outcomes: OutcomeData[] = [];
  await stack.bus.subscribe(
    TOPICS.outcomes,
    { subscription: 'test-outcomes' },
    async (envelope) => {
      if (envelope.type === 'akv.outcome.v1') outcomes.push(envelope.data);
      return ack();
    },
  );
  return { stack, outcomes, statuses };
}

/** The test's own writes go around throttling with a plain retry. */
async function setWithRetry(client: SecretClient, name: string, value: string): Promise<void> {
  for (;;) {
    try {
      await client.setSecret(name, value);
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 429) throw error;
      await new Promise((r) => setTimeout(r, 200)); // a client's backoff, not a wait for state
    }
  }
}

const replicated = (s: LocalStack, vault: string, name: string) =>
  new SecretClient(s.emulator.vaultUrl(vault), s.credential, {
    ...s.emulator.clientOptions(),
    retryOptions: { maxRetries: 0 },
  })
    .getSecret(name)
    .then(
      (secret) => secret.value,
      () => undefined,
    );

describe('resilience (emulator faults, memory bus)', () => {
  it('replicates everything under heavy throttling (429 without Retry-After), with zero failures', async () => {
    const limits = { windowMs: 1000, maxTransactions: 25, maxSecretCreates: 10 };
    const {
      stack: s,
      outcomes,
      statuses,
    } = await start({
      emulator: { throttling: limits },
      pacing: { backoffMs: [50, 100, 200, 400, 800, 1600] },
      retryDelaysMs: [200],
    });
    // How many 429s the limits above cause depends on how fast this machine runs the pipeline
    // (a loaded one spreads the requests thin enough to meet none). So the replicas start with a
    // throttle storm, one request a second, until the pipeline has met more than 10 429s; then
    // they go back to the limits above for the rest of the run.
    for (const replica of DEMO_VAULTS.replicas)
      s.emulator.setThrottling(
        { ...limits, maxTransactions: 1, maxSecretCreates: 1 },
        { vault: replica.name },
      );
    const storm = waitFor(
      'more than 10 × 429 in the storm',
      async () => (statuses.filter((status) => status === 429).length > 10 ? true : undefined),
      60_000,
      20,
    ).then(() => {
      for (const replica of DEMO_VAULTS.replicas)
        s.emulator.setThrottling(limits, { vault: replica.name });
    });
    storm.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const source = new SecretClient(s.emulator.vaultUrl(DEMO_VAULTS.source.name), s.credential, {
      ...s.emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
    const names = Array.from({ length: 30 }, (_, i) => `throttled-${i}`);
    for (const name of names) await setWithRetry(source, name, `value-of-${name}`);
    await storm;
    for (const replica of DEMO_VAULTS.replicas) {
      for (const name of names)
        assert.equal(
          await waitFor(
            `${replica.name}/${name}`,
            () => replicated(s, replica.name, name),
            60_000,
            100,
          ),
          `value-of-${name}`,
        );
    }
    const throttled = statuses.filter((status) => status === 429).length;
    assert.ok(throttled > 10, `expected heavy throttling, saw ${throttled} × 429`);
    assert.deepEqual(
      outcomes.filter((o) => o.status === 'failure'),
      [],
      'zero failed secrets',
    );
  });

  it('drains a replica region that was offline for a while, with zero failures', async () => {
    const logger = new MemoryLogger();
    const { stack: s, outcomes } = await start({ logger, retryDelaysMs: [100, 200, 400, 800] });
    await s.emulator.faults.takeRegionOffline('eastus');
    const source = new SecretClient(
      s.emulator.vaultUrl(DEMO_VAULTS.source.name),
      s.credential,
      s.emulator.clientOptions(),
    );
    const names = Array.from({ length: 10 }, (_, i) => `while-offline-${i}`);
    for (const name of names) await source.setSecret(name, `v-${name}`);
    // The healthy region does not wait for the broken one (DESIGN principle 6).
    // eastus stays offline until after these waits, so a healthy region that waited for it would
    // never get there: the generous bound only ends a failing run.
    for (const name of names)
      await waitFor(`northeurope ${name}`, () => replicated(s, 'kv-demo-neu', name), 30_000);
    assert.equal(await replicated(s, 'kv-demo-eus', names[0]!), undefined);
    // Offline "for a while" is stated, not slept: every eastus task has met the outage and been
    // retried (second delivery refused too) before the region comes back.
    const retriedTwice = (name: string) =>
      logger.lines.some(
        (l) =>
          l.message === 'secret task will be retried' &&
          l.fields['replica'] === 'kv-demo-eus' &&
          l.fields['objectName'] === name &&
          Number(l.fields['deliveryCount']) >= 2,
      );
    await waitFor(
      'every eastus task refused twice',
      async () => (names.every(retriedTwice) ? true : undefined),
      30_000,
    );
    await s.emulator.faults.bringRegionOnline('eastus');
    for (const name of names)
      assert.equal(
        await waitFor(`eastus ${name}`, () => replicated(s, 'kv-demo-eus', name), 30_000, 100),
        `v-${name}`,
      );
    assert.deepEqual(
      outcomes.filter((o) => o.status === 'failure'),
      [],
    );
  });
});
