import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  TOPICS,
  createEnvelope,
  loadConfigText,
  type ArmVault,
  type SecretTaskData,
} from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { MemorySecretStore, MemoryVaultDirectory, promotionTags } from '@akv-replicator/keyvault';
import { createDiscoveryApp } from '../app';
import { TopologyResolver } from './topology-resolver';

const S = '11111111-1111-4111-8111-111111111111';
const uriFor = (name: string) => `https://${name}.vault.test`;
const AT = new Date(Date.UTC(2026, 5, 1, 12, 0, 0)).toISOString();
const arm = (name: string, tags?: Record<string, string>): ArmVault => ({
  name,
  location: name === 'kv-a' ? 'westeurope' : 'northeurope',
  subscriptionId: S,
  resourceGroup: 'rg',
  uri: `https://${name}.arm-listed.test`,
  ...(tags ? { tags } : {}),
});
const promoted = (name: string, from: string, serves: string[] = []) =>
  arm(name, promotionTags({ from, at: AT, serves }));

async function resolve(links: string, vaults: ArmVault[]) {
  const { topology } = loadConfigText(`azure: { sourceSubscriptionId: ${S} }\nlinks:\n${links}`, {
    env: {},
  });
  const directory = new MemoryVaultDirectory(vaults, uriFor);
  const resolved = await new TopologyResolver(topology, {
    directory,
    uriFor,
    refreshMs: 0,
  }).resolve(true);
  return {
    links: resolved.links.map((l) => `${l.name}: ${l.source.name} → ${l.replica.name}`),
    warnings: resolved.warnings.map((w) => `${w.code} ${w.link} ${w.vault}`),
    resolved,
    directory,
  };
}

const PAYMENTS = `  - name: payments
    source: { vault: kv-a, region: westeurope }
    replicas: [{ vault: kv-p, region: northeurope }, { vault: kv-r, region: northeurope }]
`;

describe('TopologyResolver honours failover promotions (ARM tags on the promoted vault)', () => {
  it('suspends the old source → promoted vault direction and keeps the other replica', async () => {
    const { links, warnings } = await resolve(PAYMENTS, [
      arm('kv-a'),
      promoted('kv-p', 'kv-a'),
      arm('kv-r'),
    ]);
    assert.deepEqual(links, ['payments: kv-a → kv-r']);
    assert.deepEqual(warnings, ['LinkSuspendedByPromotion payments kv-p']);
  });

  it('--as-source: the promoted vault becomes the source of the replicas it serves, at its ARM endpoint', async () => {
    const { links, warnings, resolved } = await resolve(PAYMENTS, [
      arm('kv-a'),
      promoted('kv-p', 'KV-A', ['kv-r']),
      arm('kv-r'),
    ]);
    assert.deepEqual(links, ['payments@kv-p: kv-p → kv-r']);
    assert.deepEqual(warnings, ['LinkSuspendedByPromotion payments kv-p']);
    const link = resolved.links[0]!;
    assert.equal(link.source.uri, 'https://kv-p.arm-listed.test');
    assert.equal(link.source.region, 'northeurope');
    assert.equal(link.mode, 'one-way');
  });

  it('a promotion from another source, or no promotion, changes nothing', async () => {
    const { links, warnings } = await resolve(PAYMENTS, [
      arm('kv-a'),
      promoted('kv-p', 'kv-other', ['kv-r']),
      arm('kv-r'),
    ]);
    assert.deepEqual(links, ['payments: kv-a → kv-p', 'payments: kv-a → kv-r']);
    assert.deepEqual(warnings, []);
  });

  it('removing the tags (failback) resumes the original direction on the next resolution', async () => {
    const { directory } = await resolve(PAYMENTS, [
      arm('kv-a'),
      promoted('kv-p', 'kv-a'),
      arm('kv-r'),
    ]);
    await directory.updateVaultTags(
      { subscriptionId: S, resourceGroup: 'rg', name: 'kv-p' },
      { remove: ['akv-replicator-promoted-from', 'akv-replicator-promoted-at'] },
    );
    const { topology } = loadConfigText(
      `azure: { sourceSubscriptionId: ${S} }\nlinks:\n${PAYMENTS}`,
      {
        env: {},
      },
    );
    const again = await new TopologyResolver(topology, { directory, uriFor, refreshMs: 0 }).resolve(
      true,
    );
    assert.deepEqual(
      again.links.map((l) => `${l.source.name} → ${l.replica.name}`),
      ['kv-a → kv-p', 'kv-a → kv-r'],
    );
  });

  it('the loop check still holds: a promoted link and a tag that join the same two vaults both ways are refused', async () => {
    // kv-r's dst_key_vault_names tag asks for kv-r → kv-p; with kv-p promoted to serve kv-r the
    // two would replicate into each other. Both are run-time links, so both are refused.
    const { links, warnings } = await resolve(
      `${PAYMENTS}sources:\n  - name: tagged\n    selectionMode: all\n    destinationsFromTag: true\n`,
      [
        arm('kv-a'),
        promoted('kv-p', 'kv-a', ['kv-r']),
        arm('kv-r', { dst_key_vault_names: 'kv-p' }),
      ],
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings.filter((w) => /^Link/.test(w)).sort(), [
      'LinkConflict payments@kv-p kv-p',
      'LinkConflict tagged/kv-r kv-r',
      'LinkSuspendedByPromotion payments kv-p',
    ]);
  });

  it('two-way links ignore a promotion (both sides take writes already) and say so', async () => {
    const { links, warnings } = await resolve(
      `  - name: mirror
    mode: two-way
    source: { vault: kv-a, region: westeurope }
    replicas: [{ vault: kv-p, region: northeurope }]
`,
      [arm('kv-a'), promoted('kv-p', 'kv-a')],
    );
    assert.deepEqual(links, ['mirror: kv-a → kv-p', 'mirror: kv-p → kv-a']);
    assert.deepEqual(warnings, ['PromotionIgnored mirror kv-p']);
  });
});

describe('discovery plans nothing into a promoted vault', () => {
  it('an event at the old source becomes a task for the remaining replica only', async () => {
    const loaded = loadConfigText(
      `azure: { sourceSubscriptionId: ${S} }\nreplication: { reconcile: { suspend: true, onStart: false } }\nlinks:\n${PAYMENTS}`,
      { env: {} },
    );
    const bus = createMemoryBus();
    const tasks: SecretTaskData[] = [];
    await bus.subscribe(TOPICS.secretTasks, { subscription: 'test-replicator' }, async (e) => {
      if (e.type === 'akv.secret.task.v1') tasks.push(e.data as SecretTaskData);
      return ack();
    });
    const app = createDiscoveryApp(loaded.config, {
      topology: loaded.topology,
      bus,
      stores: (vault) => new MemorySecretStore(vault.name),
      directory: new MemoryVaultDirectory(
        [arm('kv-a'), promoted('kv-p', 'kv-a'), arm('kv-r')],
        uriFor,
      ),
      uriFor,
    });
    await app.start();
    try {
      for (const id of ['ev-1', 'ev-2'])
        await bus.publish(
          TOPICS.vaultEvents,
          createEnvelope(
            'akv.vault.event.v1',
            {
              eventId: id,
              kind: 'SecretNewVersionCreated',
              objectKind: 'secret',
              vault: { name: 'kv-a' },
              objectName: `db-${id}`,
              eventTime: new Date().toISOString(),
              input: 'emulator',
            },
            { id, source: '/test' },
          ),
        );
      const deadline = Date.now() + 20_000;
      while (tasks.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(tasks.map((t) => `${t.objectName} → ${t.replica.name}`).sort(), [
        'db-ev-1 → kv-r',
        'db-ev-2 → kv-r',
      ]);
    } finally {
      await app.stop();
      await bus.close();
    }
  });
});
