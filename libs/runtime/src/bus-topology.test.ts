import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import { declaredTopology } from './bus-topology';

const CONFIG = `
links:
  - name: app
    source: { vault: kv-app-weu, subscriptionId: 11111111-1111-1111-1111-111111111111 }
    replicas:
      - { vault: kv-app-neu, region: northeurope }
      - { vault: kv-app-eus, region: eastus }
bus: { maxDeliveries: 4 }
`;

test("declares every service's subscription: discovery, one replicator and converter lane per region, the notifier when on", () => {
  const declared = declaredTopology(loadConfigText(CONFIG, { env: {} }), ['swedencentral']);
  assert.deepEqual(declared['vault-events'], [{ subscription: 'discovery' }]);
  assert.deepEqual(declared['resync-commands'], [{ subscription: 'discovery' }]);
  assert.deepEqual(declared['secret-tasks'], [
    { subscription: 'replicator-eastus', routingKeys: ['eastus'], maxDeliveries: 4 },
    { subscription: 'replicator-northeurope', routingKeys: ['northeurope'], maxDeliveries: 4 },
    {
      subscription: 'replicator-swedencentral',
      routingKeys: ['swedencentral'],
      maxDeliveries: 4,
    },
  ]);
  assert.deepEqual(
    declared['certificate-tasks']?.map((s) => s.subscription),
    [
      'certificate-converter-eastus',
      'certificate-converter-northeurope',
      'certificate-converter-swedencentral',
    ],
  );
  assert.deepEqual(declared.outcomes, []);
  const notifying = declaredTopology(
    loadConfigText(`${CONFIG}notifications: { enabled: true }\n`, { env: {} }),
  );
  assert.deepEqual(notifying.outcomes, [{ subscription: 'notifier', maxDeliveries: 4 }]);
  const serving = declaredTopology(
    loadConfigText(
      `${CONFIG}notifications: { enabled: true }\nstatus: { enabled: true, token: { fromEnv: T } }\n`,
      { env: {} },
    ),
  );
  assert.deepEqual(serving.outcomes, [
    { subscription: 'notifier', maxDeliveries: 4 },
    { subscription: 'discovery-status', maxDeliveries: 4 },
  ]);
});
