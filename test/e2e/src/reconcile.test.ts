import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryVaultDirectory } from '@akv-replicator/keyvault';
import { MemoryPipeline } from './memory-pipeline';
import { waitFor } from './wait-for';

const SUB = '11111111-1111-1111-1111-111111111111';
const linkYaml = (extra = '') => `
replication:
  reconcile: { suspend: true, onStart: false }
${extra}
links:
  - name: payments
    source: { vault: kv-src }
    replicas:
      - { vault: kv-neu, region: northeurope }
      - { vault: kv-eus, region: eastus }
`;
let pipeline: MemoryPipeline;
describe('reconcile', () => {
  afterEach(async () => pipeline?.stop());

  /**
   * Runs a resync and waits until `expected` of its tasks (every task it planned, by default)
   * have their replicator outcome.
   */
  const resync = async (
    scope: { vault?: string; objectName?: string } = {},
    expected = (summary: { tasks: number }) => summary.tasks,
  ) => {
    const before = pipeline.outcomes.length;
    const id = `r-${Math.random()}`;
    const summary = await pipeline.discovery.reconciler.run({
      trigger: { kind: 'resync', id },
      ...scope,
    });
    const answered = () =>
      pipeline.outcomes.filter((o) => o.service === 'replicator' && o.trigger?.id === id).length;
    await waitFor(
      `${expected(summary)} replicator outcomes of ${id}`,
      async () => (answered() >= expected(summary) ? true : undefined),
      60_000,
    );
    return { summary, outcomes: pipeline.outcomes.slice(before) };
  };

  describe('reconcile (discovery + replicators, memory bus)', () => {
    it('converges a vault of thousands of secrets, then a no-op reconcile costs list calls only', async () => {
      pipeline = MemoryPipeline.fromYaml(linkYaml(), ['northeurope', 'eastus']);
      await pipeline.start();
      for (let i = 0; i < 2000; i++)
        await pipeline.vault('kv-src').setSecret(`s-${i}`, `v-${i}`, { enabled: true, tags: {} });
      const first = await resync();
      assert.equal(first.summary.tasks, 4000);
      for (const name of ['kv-neu', 'kv-eus'])
        assert.equal(pipeline.vault(name).requestCount('set'), 2000);

      for (const store of pipeline.vaults.values()) store.requests.clear();
      const second = await resync();
      assert.equal(second.summary.tasks, 0);
      assert.equal(second.summary.inSync, 4000);
      const calls = [...pipeline.vaults.values()].map((s) => [
        s.vaultName,
        s.requestCount(),
        s.requestCount('list'),
      ]);
      for (const [vault, all, lists] of calls)
        assert.equal(all, lists, `${vault}: a no-op reconcile only lists`);
    });

    it('runs on its cron schedule and converges what no event announced', async () => {
      pipeline = MemoryPipeline.fromYaml(
        linkYaml().replace(
          'reconcile: { suspend: true, onStart: false }',
          "reconcile: { schedule: '* * * * * *', onStart: false }",
        ),
        ['northeurope', 'eastus'],
      );
      await pipeline.start();
      await pipeline.vault('kv-src').setSecret('quiet', 'no-event', { enabled: true, tags: {} });
      // The schedule fires every second; 30 s leaves room for a loaded machine, not a guess.
      const copy = await waitFor(
        'the scheduled reconcile to copy kv-eus/quiet',
        () =>
          pipeline
            .vault('kv-eus')
            .getSecret('quiet')
            .catch(() => undefined),
        30_000,
      );
      assert.equal(copy.value, 'no-event');
      assert.ok(
        pipeline.outcomes.some(
          (o) => o.action === 'reconcile-planned' && o.trigger?.kind === 'reconcile',
        ),
      );
    });

    it('dead-letters poison messages and failures past maxDeliveries, and raises a failure outcome for each', async () => {
      pipeline = MemoryPipeline.fromYaml(linkYaml('bus: { maxDeliveries: 2 }'), [
        'northeurope',
        'eastus',
      ]);
      await pipeline.start();
      // A body no service can parse, straight onto the bus.
      pipeline.bus.broker.publishRaw(
        'secret-tasks',
        new TextEncoder().encode('{"not":"an envelope"}'),
        { routingKey: 'northeurope' },
      );
      // A task that keeps failing: the replica is unreachable.
      const { VaultError } = await import('@akv-replicator/keyvault');
      Object.assign(pipeline.vault('kv-eus'), {
        getSecret: async () => {
          throw new VaultError('unavailable', 'connect ECONNREFUSED', { vault: 'kv-eus' });
        },
      });
      await pipeline.vault('kv-src').setSecret('doomed', 'x', { enabled: true, tags: {} });
      await resync();
      const dead = () =>
        pipeline.outcomes.filter(
          (o) => o.action === 'dead-lettered' && /subscription replicator-/.test(o.reason ?? ''),
        );
      await waitFor(
        'two dead-letter outcomes',
        async () => (dead().length >= 2 ? true : undefined),
        30_000,
      ).catch(() => undefined); // on a timeout the count below fails and lists what arrived
      const reasons = dead()
        .map((o) => o.reason ?? '')
        .sort();
      assert.equal(reasons.length, 2, reasons.join('\n'));
      assert.match(
        reasons.join('\n'),
        /unparseable\) on secret-tasks was dead-lettered by subscription replicator-northeurope .*not a CloudEvents 1\.0 envelope/,
      );
      assert.match(
        reasons.join('\n'),
        /on secret-tasks was dead-lettered by subscription replicator-eastus after 2 deliveries: gave up after 2 deliveries: kv-eus: connect ECONNREFUSED/,
      );
      const failed = pipeline.outcomes.find(
        (o) => o.service === 'replicator' && o.status === 'failure',
      );
      assert.equal(
        failed?.objectName,
        'doomed',
        'the final failure is also reported as an outcome naming the secret',
      );
      assert.equal(
        (await pipeline.vault('kv-neu').getSecret('doomed')).value,
        'x',
        'the healthy region is unaffected',
      );
    });

    it('catches what no event reports: delete, disable, tag, contentType and expiry changes', async () => {
      pipeline = MemoryPipeline.fromYaml(
        linkYaml('  deletion: { policy: delete, minObjects: 100 }'),
        ['northeurope', 'eastus'],
      );
      await pipeline.start();
      const src = pipeline.vault('kv-src');
      for (const name of ['gone', 'off', 'tagged', 'typed', 'expiring'])
        await src.setSecret(name, 'x', { enabled: true, tags: {} });
      await resync();
      pipeline.clock = 2_000;
      await src.deleteSecret('gone');
      const props = async (name: string) => src.getLatestProperties(name);
      await src.updateProperties('off', (await props('off')).version, { enabled: false, tags: {} });
      await src.updateProperties('tagged', (await props('tagged')).version, {
        enabled: true,
        tags: { owner: 'team-b' },
      });
      await src.updateProperties('typed', (await props('typed')).version, {
        enabled: true,
        contentType: 'application/json',
        tags: {},
      });
      await src.updateProperties('expiring', (await props('expiring')).version, {
        enabled: true,
        expires: 9_999,
        tags: {},
      });
      const { outcomes } = await resync();
      const actions = outcomes
        .filter((o) => o.replica?.name === 'kv-neu' && o.service === 'replicator')
        .map((o) => `${o.objectName}:${o.action}`)
        .sort();
      assert.deepEqual(actions, [
        'expiring:properties-updated',
        'gone:deleted',
        'off:disabled',
        'tagged:properties-updated',
        'typed:properties-updated',
      ]);
      const neu = pipeline.vault('kv-neu');
      assert.equal((await neu.getLatestProperties('off')).enabled, false);
      assert.equal((await neu.getSecret('tagged')).tags.owner, 'team-b');
      assert.equal((await neu.getSecret('typed')).contentType, 'application/json');
      assert.equal((await neu.getSecret('expiring')).expires, 9_999);
      assert.ok(await neu.getDeletedSecret('gone'), 'soft-deleted, recoverable');
    });

    it('trips the mass-deletion breaker instead of deleting, and says so', async () => {
      pipeline = MemoryPipeline.fromYaml(
        linkYaml('  deletion: { policy: delete, maxDeletePercent: 10, minObjects: 5 }'),
        ['northeurope', 'eastus'],
      );
      await pipeline.start();
      for (let i = 0; i < 10; i++)
        await pipeline.vault('kv-src').setSecret(`s-${i}`, 'x', { enabled: true, tags: {} });
      await resync();
      for (let i = 0; i < 5; i++) await pipeline.vault('kv-src').deleteSecret(`s-${i}`);
      const { outcomes } = await resync();
      const blocked = outcomes.filter((o) => o.code === 'DeletionCircuitBreakerOpen');
      assert.equal(blocked.length, 2, 'one per replica');
      assert.match(blocked[0]?.reason ?? '', /deleting 5 of 10 replicated secrets \(50\.0 %\)/);
      assert.equal(pipeline.vault('kv-neu').requestCount('delete'), 0);
    });

    it('reports replica secrets that are not ours instead of overwriting them', async () => {
      pipeline = MemoryPipeline.fromYaml(linkYaml(), ['northeurope', 'eastus']);
      await pipeline.start();
      await pipeline
        .vault('kv-src')
        .setSecret('shared-name', 'from-source', { enabled: true, tags: {} });
      await pipeline
        .vault('kv-neu')
        .setSecret('shared-name', 'hand-made', { enabled: true, tags: {} });
      const { outcomes } = await resync();
      const warning = outcomes.find((o) => o.code === 'ReplicaNotOwned');
      assert.match(warning?.reason ?? '', /1 secret\(s\) in kv-neu have no provenance from kv-src/);
      assert.equal((await pipeline.vault('kv-neu').getSecret('shared-name')).value, 'hand-made');
      assert.equal((await pipeline.vault('kv-eus').getSecret('shared-name')).value, 'from-source');
    });

    it('routes tasks by replica region: a region without workers stalls only its own backlog', async () => {
      pipeline = MemoryPipeline.fromYaml(linkYaml(), ['northeurope']);
      await pipeline.start();
      await pipeline.vault('kv-src').setSecret('a', 'x', { enabled: true, tags: {} });
      await resync({}, () => 1); // northeurope's task; eastus has no worker to answer its own
      assert.equal((await pipeline.vault('kv-neu').getSecret('a')).value, 'x');
      assert.equal(pipeline.vault('kv-eus').requestCount('set'), 0, 'eastus has no worker here');
      const eastus = () =>
        pipeline.tasks.filter(
          (t) => t.type === 'akv.secret.task.v1' && t.data.replica.region === 'eastus',
        );
      await waitFor('the eastus task on the bus', async () =>
        eastus().length > 0 ? true : undefined,
      );
      assert.equal(eastus().length, 1, 'its task waits on the bus');
    });

    it('forces a task for a one-secret resync even when in sync (the worker decides)', async () => {
      pipeline = MemoryPipeline.fromYaml(linkYaml(), ['northeurope', 'eastus']);
      await pipeline.start();
      await pipeline.vault('kv-src').setSecret('a', 'x', { enabled: true, tags: {} });
      await resync();
      const { summary, outcomes } = await resync({ vault: 'kv-src', objectName: 'a' });
      assert.equal(summary.tasks, 2);
      assert.deepEqual(
        outcomes.filter((o) => o.service === 'replicator').map((o) => o.action),
        ['unchanged', 'unchanged'],
      );
    });

    it('expands selections against ARM, creates missing replicas (autoCreate) and warns about others', async () => {
      const vault = (name: string, location = 'westeurope', tags?: Record<string, string>) => ({
        name,
        location,
        subscriptionId: SUB,
        resourceGroup: 'rg',
        uri: `https://${name}.vault.test`,
        ...(tags ? { tags } : {}),
      });
      const directory = new MemoryVaultDirectory(
        [
          vault('kv-a'),
          vault('kv-b', 'westeurope', { dst_key_vault_names: 'kv-tagged' }),
          vault('kv-tagged', 'eastus'),
          vault('kv-dev'),
        ],
        (n) => `https://${n}.vault.test`,
      );
      pipeline = MemoryPipeline.fromYaml(
        `tenants: { default: { tenantId: 00000000-0000-0000-0000-0000000000aa } }
replication: { reconcile: { suspend: true, onStart: false } }
azure: { sourceSubscriptionId: ${SUB} }
sources:
  - name: all
    selectionMode: allExcept
    excludeKeyvaults: [kv-dev, kv-tagged]
    destinationsFromTag: true
    destinations: [{ region: northeurope, namingPattern: '{source_name}-dr', resourceGroup: rg-dr, autoCreate: true }]
`,
        ['northeurope', 'eastus'],
        directory,
      );
      await pipeline.start();
      await pipeline.vault('kv-a').setSecret('a1', 'x', { enabled: true, tags: {} });
      await pipeline.vault('kv-b').setSecret('b1', 'y', { enabled: true, tags: {} });
      await resync();
      assert.deepEqual(directory.created.map((c) => [c.name, c.location, c.resourceGroup]).sort(), [
        ['kv-a-dr', 'northeurope', 'rg-dr'],
        ['kv-b-dr', 'northeurope', 'rg-dr'],
      ]);
      assert.equal((await pipeline.vault('kv-a-dr').getSecret('a1')).value, 'x');
      assert.equal(
        (await pipeline.vault('kv-tagged').getSecret('b1')).value,
        'y',
        'dst_key_vault_names destination',
      );
      assert.equal(
        pipeline.vault('kv-dev').requestCount('list'),
        0,
        'excluded vaults are not even listed',
      );
    });

    it('warns about a missing replica vault when autoCreate is off, and replicates the rest', async () => {
      const directory = new MemoryVaultDirectory([
        {
          name: 'kv-src',
          location: 'westeurope',
          subscriptionId: SUB,
          resourceGroup: 'rg',
          uri: 'https://kv-src.vault.test',
        },
        {
          name: 'kv-neu',
          location: 'northeurope',
          subscriptionId: SUB,
          resourceGroup: 'rg',
          uri: 'https://kv-neu.vault.test',
        },
      ]);
      pipeline = MemoryPipeline.fromYaml(
        `replication: { reconcile: { suspend: true, onStart: false } }
links:
  - name: l
    source: { vault: kv-src, subscriptionId: ${SUB} }
    replicas: [{ vault: kv-neu, region: northeurope, subscriptionId: ${SUB} }, { vault: kv-missing, region: eastus, subscriptionId: ${SUB} }]
`,
        ['northeurope', 'eastus'],
        directory,
      );
      await pipeline.start();
      await pipeline.vault('kv-src').setSecret('a', 'x', { enabled: true, tags: {} });
      const { outcomes } = await resync();
      assert.match(
        outcomes.find((o) => o.code === 'ReplicaVaultMissing')?.reason ?? '',
        /kv-missing does not exist .* set autoCreate/,
      );
      assert.equal((await pipeline.vault('kv-neu').getSecret('a')).value, 'x');
    });
  });
});
