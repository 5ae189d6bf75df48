import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { CertificateClient } from '@azure/keyvault-certificates';
import {
  MemoryLogger,
  readProvenance,
  TOPICS,
  type ConfigInput,
  type OutcomeData,
} from '@akv-replicator/core';
import { ack } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { DEFAULT_SUBSCRIPTION_ID } from '@akv-replicator/keyvault-emulator';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { DEMO_VAULTS, runCli, startLocalStack } from 'akv-replicator';
import { waitFor } from './wait-for';
import { TEST_CLIENT_USER_AGENT, WriteCounter } from './write-counter';

const SOURCE = DEMO_VAULTS.source.name;
const NEU = 'kv-demo-neu';

/** The whole stack in this process over a real NATS (the CLI's resync needs a shared bus). */
async function natsStack(
  nats: NatsServer,
  replication: Omit<NonNullable<ConfigInput['replication']>, 'reconcile'>,
  extraReplicas: {
    vault: string;
    region: string;
    subscriptionId?: string;
    resourceGroup?: string;
    autoCreate?: boolean;
  }[] = [],
) {
  const prefix = `dr${randomBytes(3).toString('hex')}`;
  const links = [
    {
      name: 'demo',
      source: { vault: SOURCE, region: 'westeurope', subscriptionId: DEFAULT_SUBSCRIPTION_ID },
      replicas: [
        { vault: NEU, region: 'northeurope', subscriptionId: DEFAULT_SUBSCRIPTION_ID },
        ...extraReplicas,
      ],
    },
  ];
  const bus = { transport: 'nats' as const, nats: { servers: [nats.url], prefix } };
  const logger = new MemoryLogger();
  const stack = await startLocalStack({
    logger,
    bus: await connectNatsBus({ servers: nats.url, prefix }),
    configOverrides: {
      replication: { reconcile: { suspend: true, onStart: false }, ...replication },
      links,
      bus,
    },
  });
  const outcomes: OutcomeData[] = [];
  await stack.bus.subscribe(TOPICS.outcomes, { subscription: 'test-outcomes' }, async (e) => {
    if (e.type === 'akv.outcome.v1') outcomes.push(e.data);
    return ack();
  });
  const dir = await mkdtemp(join(tmpdir(), 'akvr-dry-'));
  const configFile = join(dir, 'config.yaml');
  await writeFile(
    configFile,
    stringify({ tenants: { default: { tenantId: stack.emulator.tenantId } }, links, bus }),
  );
  const clientOptions = {
    ...stack.emulator.clientOptions(),
    userAgentOptions: { userAgentPrefix: TEST_CLIENT_USER_AGENT },
  };
  return {
    stack,
    logger,
    outcomes,
    secrets: (vault: string) =>
      new SecretClient(stack.emulator.vaultUrl(vault), stack.credential, clientOptions),
    certificates: (vault: string) =>
      new CertificateClient(stack.emulator.vaultUrl(vault), stack.credential, clientOptions),
    resync: async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const started = Date.now();
      const code = await runCli(
        ['resync', '--config', configFile, '--wait', '--timeout', '120', ...args],
        { out: (l) => out.push(l), err: (l) => err.push(l), env: {} },
      );
      return { code, out, text: [...out, ...err].join('\n'), ms: Date.now() - started };
    },
    async stop() {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('dry run writes nowhere, ARM included (emulator, NATS)', () => {
  let nats: NatsServer;
  let world: Awaited<ReturnType<typeof natsStack>>;
  let counter: WriteCounter;

  before(async () => {
    nats = await startNats();
    counter = new WriteCounter();
    world = await natsStack(nats, { dryRun: true }, [
      {
        vault: 'kv-demo-new',
        region: 'northeurope',
        subscriptionId: DEFAULT_SUBSCRIPTION_ID,
        resourceGroup: 'rg-dr',
        autoCreate: true,
      },
    ]);
  });
  after(async () => {
    counter?.stop();
    await world?.stop();
    await nats?.stop();
  });

  it('plans every write, makes none, and says what it would do', async () => {
    await world.secrets(SOURCE).setSecret('dry-a', 'value-a');
    const pfx = createTestCertificate({ subject: 'CN=dry.example.test', format: 'pfx' });
    await world.certificates(SOURCE).importCertificate('dry-tls', Buffer.from(pfx.value, 'base64'));
    // The events' own dry-run tasks: one per object for the existing replica.
    await world.stack.emulator.eventGrid.idle();
    await waitFor('event tasks done', async () =>
      world.outcomes.filter((o) => o.trigger?.kind === 'event').length >= 2 ? true : undefined,
    );

    const json = await world.resync('--dry-run', '--json');
    assert.equal(json.code, 0, json.text);
    const report = JSON.parse(json.out.join('\n')) as {
      dryRun: boolean;
      plan: { object: string; kind: string; replica: string; action: string; reason: string }[];
    };
    assert.equal(report.dryRun, true);
    assert.deepEqual(
      report.plan.map((r) => [r.object, r.kind, r.replica, r.action]),
      [
        ['(link demo)', 'vault', 'kv-demo-new', 'would-create'],
        ['dry-a', 'secret', NEU, 'would-create'],
        ['dry-tls', 'certificate', NEU, 'would-create'],
      ],
    );
    assert.ok(report.plan.every((r) => r.reason.includes('dry run: would create')));

    const table = await world.resync('--dry-run');
    assert.equal(table.code, 0, table.text);
    assert.ok(table.out.includes('plan (dry run, nothing was written):'), table.text);
    assert.ok(
      table.out.some((l) =>
        /^dry-a +secret +kv-demo-neu +would-create +dry run: would create/.test(l),
      ),
      table.text,
    );

    assert.deepEqual(counter.writes, [], 'no ARM or data-plane write request');
    assert.ok(!world.stack.emulator.vaultNames().includes('kv-demo-new'), 'no vault created');
    await assert.rejects(world.secrets(NEU).getSecret('dry-a'), /not found/i);
    const messages = world.logger.lines.map((l) => l.message);
    assert.ok(messages.includes('dry run: would create replica vault'), 'ARM plan logged');
    assert.ok(messages.includes('dry run: secret planned, nothing written'));
    assert.ok(messages.includes('dry run: certificate planned, nothing written'));
    assert.ok(!messages.some((m) => m.endsWith('converged')), 'no log reads like a write');
    const actions = world.outcomes.filter((o) => o.service !== 'discovery').map((o) => o.action);
    assert.ok(actions.filter((a) => a.startsWith('would-')).length >= 4, actions.join(', '));
    const writes = ['created', 'updated', 'properties-updated', 'disabled', 'deleted'];
    assert.ok(
      !actions.some((a) => writes.includes(a) || a.startsWith('recovered')),
      actions.join(),
    );
  });
});

describe('repair arrives immediately; history is replicated (emulator, NATS)', () => {
  let nats: NatsServer;
  let world: Awaited<ReturnType<typeof natsStack>>;
  let counter: WriteCounter;

  before(async () => {
    nats = await startNats();
    counter = new WriteCounter();
    world = await natsStack(nats, { history: 'enabledVersions' });
  });
  after(async () => {
    counter?.stop();
    await world?.stop();
    await nats?.stop();
  });

  const replicaVersions = async (name: string) => {
    const versions = [];
    for await (const v of world.secrets(NEU).listPropertiesOfSecretVersions(name)) versions.push(v);
    return versions
      .sort((a, b) => a.createdOn!.getTime() - b.createdOn!.getTime())
      .map((v) => readProvenance(v.tags)?.sourceVersion);
  };

  it('replicates the enabled history oldest first, each version with its provenance, once', async () => {
    const source = world.secrets(SOURCE);
    const written = [];
    // h2 is disabled from its creation: history copies enabled versions only.
    for (const value of ['h1', 'h2', 'h3', 'h4'])
      written.push(
        (await source.setSecret('with-history', value, { enabled: value !== 'h2' })).properties
          .version!,
      );
    const expected = [written[0], written[2], written[3]];
    await waitFor(
      'the replica to hold the enabled history',
      async () =>
        (await replicaVersions('with-history').catch(() => [])).length >= 3 ? true : undefined,
      30_000,
    );
    await world.stack.emulator.eventGrid.idle();
    const again = await world.resync('--vault', SOURCE);
    assert.equal(again.code, 0, again.text);
    assert.deepEqual(await replicaVersions('with-history'), expected, 'oldest first, once each');
    assert.ok(counter.writes.length > 0, 'the counter sees real writes');
  });

  it('restores a replica deleted by hand within seconds, every time, and reports it', async () => {
    await world.secrets(SOURCE).setSecret('repair-me', 'v1');
    await waitFor(
      'the first copy',
      async () =>
        (
          await world
            .secrets(NEU)
            .getSecret('repair-me')
            .catch(() => undefined)
        )?.value,
    );
    for (const round of [1, 2]) {
      await (await world.secrets(NEU).beginDeleteSecret('repair-me')).pollUntilDone();
      const repair = await world.resync('--vault', SOURCE);
      assert.equal(repair.code, 0, repair.text);
      assert.ok(
        repair.out.some((l) => /^repair-me +secret +kv-demo-neu +recovered/.test(l)),
        `round ${round}: ${repair.text}`,
      );
      assert.equal((await world.secrets(NEU).getSecret('repair-me')).value, 'v1');
      assert.ok(repair.ms < 30_000, `round ${round} took ${repair.ms} ms`);
      console.log(`repair round ${round}: resync --wait restored the replica in ${repair.ms} ms`);
    }
  });
});
