import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusOptionsError } from '@akv-replicator/bus';
import {
  DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS,
  resolveServiceBusBusOptions,
} from './servicebus-options';
import { preProvisionedTopology } from './topology';

const EMULATOR =
  'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';

function failsOn(key: string, run: () => unknown): void {
  assert.throws(
    run,
    (error: unknown) => error instanceof BusOptionsError && error.fields['key'] === key,
  );
}

describe('Service Bus bus options', () => {
  it('needs exactly one way to reach the namespace', () => {
    failsOn('connectionString', () => resolveServiceBusBusOptions({}));
    failsOn('connectionString', () =>
      resolveServiceBusBusOptions({
        connectionString: EMULATOR,
        fullyQualifiedNamespace: 'x.servicebus.windows.net',
      }),
    );
    failsOn('credential', () =>
      resolveServiceBusBusOptions({
        connectionString: EMULATOR,
        credential: { getToken: async () => null },
      }),
    );
    failsOn('fullyQualifiedNamespace', () =>
      resolveServiceBusBusOptions({ fullyQualifiedNamespace: 'sb://x/' }),
    );
  });

  it('requires a provisioner for emulator connection strings (their topology is Config.json)', () => {
    failsOn('provisioner', () => resolveServiceBusBusOptions({ connectionString: EMULATOR }));
    const resolved = resolveServiceBusBusOptions({
      connectionString: EMULATOR,
      provisioner: preProvisionedTopology({}),
    });
    assert.equal(resolved.operationTimeoutMs, DEFAULT_SERVICEBUS_OPERATION_TIMEOUT_MS);
    assert.ok(Object.isFrozen(resolved));
  });

  it('rejects negative durations naming the key', () => {
    failsOn('publishTimeoutMs', () =>
      resolveServiceBusBusOptions({
        connectionString: EMULATOR,
        provisioner: preProvisionedTopology({}),
        publishTimeoutMs: -1,
      }),
    );
  });

  it('pre-provisioned topology refuses lanes the deployment lacks, naming them', async () => {
    const topology = preProvisionedTopology({ tasks: ['replicator.westeurope'] });
    await topology.ensureTopic({ topic: 'tasks', duplicateDetectionWindowMs: 1 });
    await assert.rejects(
      topology.ensureTopic({ topic: 'other', duplicateDetectionWindowMs: 1 }),
      /topic other/,
    );
    const lane = {
      topic: 'tasks',
      routingKey: 'eastus',
      sqlFilter: '1=1',
      lockDurationMs: 1,
      maxDeliveryCount: 1,
    };
    await assert.rejects(
      topology.ensureSubscription({ ...lane, name: 'replicator.eastus' }),
      /tasks\/Subscriptions\/replicator\.eastus/,
    );
    assert.deepEqual(await topology.listSubscriptions('tasks'), ['replicator.westeurope']);
  });
});
