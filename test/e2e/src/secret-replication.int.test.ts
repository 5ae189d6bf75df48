import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { MemoryLogger, readProvenance, TOPICS, type OutcomeData } from '@akv-replicator/core';
import { createMemoryBus, type BusInterceptor } from '@akv-replicator/bus';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { waitFor } from './wait-for';

const CANARY = 'CANARY-e2e-7f3a9c1d';

for (const schema of ['EventGridSchema', 'CloudEventSchemaV1_0'] as const) {
  describe(`secret replication end to end (memory bus, Event Grid ${schema})`, () => {
    let stack: LocalStack;
    let logger: MemoryLogger;
    // Every message that crosses the bus, as the broker would carry it.
    const wire: string[] = [];
    const recorder: BusInterceptor = {
      publish: (call, next) => {
        wire.push(
          JSON.stringify({ topic: call.topic, envelope: call.envelope, options: call.options }),
        );
        return next(call);
      },
    };
    const client = (vault: string) =>
      new SecretClient(
        stack.emulator.vaultUrl(vault),
        stack.credential,
        stack.emulator.clientOptions(),
      );

    before(async () => {
      logger = new MemoryLogger();
      stack = await startLocalStack({
        logger,
        eventSchema: schema,
        bus: createMemoryBus({ interceptors: [recorder] }),
        configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
      });
    });
    after(async () => stack?.stop());

    it('replicates a new secret to every replica region, with provenance', async () => {
      const written = await client(DEMO_VAULTS.source.name).setSecret('db-password', CANARY, {
        contentType: 'text/plain',
        tags: { team: 'payments' },
      });
      for (const replica of DEMO_VAULTS.replicas) {
        const copy = await waitFor(`${replica.name} to hold db-password`, async () => {
          try {
            return await client(replica.name).getSecret('db-password');
          } catch {
            return undefined;
          }
        });
        assert.equal(copy.value, CANARY);
        assert.equal(copy.properties.contentType, 'text/plain');
        assert.equal(copy.properties.tags?.team, 'payments');
        assert.equal(
          readProvenance(copy.properties.tags)?.sourceVersion,
          written.properties.version,
        );
      }
    });

    it('writes exactly one replica version per source version', async () => {
      const name = 'one-version';
      await client(DEMO_VAULTS.source.name).setSecret(name, 'v1');
      for (const replica of DEMO_VAULTS.replicas) {
        await waitFor(
          `${replica.name}/${name}`,
          async () =>
            (
              await client(replica.name)
                .getSecret(name)
                .catch(() => undefined)
            )?.value,
        );
      }
      // Resync on top of the event: converges to the same state, writes nothing new.
      const response = await fetch(`${stack.services.ingressUrl}/resync`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-akv-replicator-key': stack.resyncToken,
        },
        body: JSON.stringify({ vault: DEMO_VAULTS.source.name }),
      });
      assert.equal(response.status, 202);
      // Wait for the resync to be over, not for a guessed time: discovery's plan (its
      // reconcile-planned outcome counts the tasks), then one replicator outcome per task.
      const { resyncId } = (await response.json()) as { resyncId: string };
      const ofResync = () =>
        wire
          .map((line) => JSON.parse(line) as { topic: string; envelope: { data: OutcomeData } })
          .filter((m) => m.topic === TOPICS.outcomes && m.envelope.data.trigger?.id === resyncId)
          .map((m) => m.envelope.data);
      const planned = await waitFor('the resync planned', async () =>
        ofResync().find((o) => o.action === 'reconcile-planned'),
      );
      await waitFor(`${planned.counts?.tasks} resync tasks done`, async () =>
        ofResync().filter((o) => o.service === 'replicator').length >= (planned.counts?.tasks ?? 0)
          ? true
          : undefined,
      );
      for (const replica of DEMO_VAULTS.replicas) {
        const versions = [];
        for await (const v of client(replica.name).listPropertiesOfSecretVersions(name))
          versions.push(v.version);
        assert.equal(versions.length, 1, `${replica.name} has ${versions.length} versions`);
      }
    });

    it('never lets the secret value reach logs, bus messages or outcomes', async () => {
      assert.ok(logger.lines.length > 0, 'services log');
      assert.ok(!logger.text().includes(CANARY));
      const topics = new Set(wire.map((m) => (JSON.parse(m) as { topic: string }).topic));
      assert.deepEqual(
        [...topics].sort(),
        ['outcomes', 'resync-commands', 'secret-tasks', 'vault-events'],
        'every hop was recorded',
      );
      assert.ok(wire.length > 10);
      assert.ok(
        wire.every((message) => !message.includes(CANARY)),
        'no bus message carries the value',
      );
      for (const topic of ['vault-events', 'secret-tasks', 'outcomes']) {
        const dead = await stack.bus.deadLetters(topic);
        assert.ok(!JSON.stringify(dead).includes(CANARY));
      }
      // Nor discovery's status endpoints and page (issue #20): they name objects, never values.
      const status = stack.readyInfo().status!;
      const auth = { authorization: `Bearer ${stack.statusToken}` };
      for (const path of ['/status', '/status/objects', '/', '/status.js']) {
        const response = await fetch(`${status}${path}`, { headers: auth });
        assert.equal(response.status, 200, path);
        assert.ok(!(await response.text()).includes(CANARY), `${path} carries no value`);
      }
    });
  });
}
