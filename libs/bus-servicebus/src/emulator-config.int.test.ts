import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ack } from '@akv-replicator/bus';
import { eventually, outcomeEnvelope } from '@akv-replicator/bus/testing';
import { startServiceBusBroker, type EmulatorConfig } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from './connect-servicebus-bus';
import { deployedTopology, emulatorTopologyFor, type DeclaredTopology } from './emulator-config';
import { runPreProvisionedScenario } from './testing/broker-support';

const DECLARED: DeclaredTopology = {
  'vault-events': [{ subscription: 'discovery' }],
  'secret-tasks': [
    { subscription: 'replicator', routingKeys: ['westeurope'] },
    { subscription: 'audit', maxDeliveries: 3 },
  ],
};

describe('a deployed Service Bus topology (emulator Config.json)', () => {
  it('writes the lanes the transport would create, within the emulator schema limits', async () => {
    const document = await emulatorTopologyFor(DECLARED, { dedupWindowMs: 10 * 60_000 });
    const [namespace] = document.UserConfig.Namespaces;
    assert.deepEqual(
      namespace!.Topics.map((t) => [t.Name, t.Subscriptions.map((s) => s.Name)]),
      [
        ['vault-events', ['discovery']],
        ['secret-tasks', ['replicator.westeurope', 'audit']],
      ],
    );
    const tasks = namespace!.Topics[1]!;
    assert.equal(
      tasks.Properties.DuplicateDetectionHistoryTimeWindow,
      'PT300S',
      'clamped to 5 min',
    );
    const audit = tasks.Subscriptions[1]!;
    assert.equal(
      audit.Properties.MaxDeliveryCount,
      4,
      'one over the consumer: it dead-letters first',
    );
    assert.equal(audit.Properties.LockDuration, 'PT60S', 'the emulator minimum');
    assert.match(
      tasks.Subscriptions[0]!.Rules[0]!.Properties.SqlFilter.SqlExpression,
      /'westeurope'/,
    );
  });

  it('serves the transport on a broker started from it: declared lanes flow, others are refused by name', async () => {
    const config = (await emulatorTopologyFor(DECLARED)) as unknown as EmulatorConfig;
    const broker = await startServiceBusBroker({ config });
    try {
      await runPreProvisionedScenario({ connectionString: broker.connectionString });
      const bus = connectServiceBusBus({
        connectionString: broker.connectionString,
        provisioner: deployedTopology(DECLARED),
      });
      try {
        const seen: string[] = [];
        await bus.subscribe('vault-events', { subscription: 'discovery' }, async (e) => {
          seen.push(e.id);
          return ack();
        });
        const envelope = outcomeEnvelope();
        await bus.publish('vault-events', envelope);
        await eventually('the event on the declared lane', () => seen.length === 1, 20_000);
        await assert.rejects(
          bus.subscribe('outcomes', { subscription: 'notifier' }, async () => ack()),
          /topic outcomes is not in the deployed topology/,
        );
      } finally {
        await bus.close();
      }
    } finally {
      await broker.stop();
    }
  });
});
