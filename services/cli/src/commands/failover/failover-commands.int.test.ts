import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { TOPICS, type OutcomeData } from '@akv-replicator/core';
import { ack, type Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { runCli } from '../../cli';

const TOKEN = 'fc-token';

// The commands against the emulator's ARM and a real NATS: promote and failback announce
// themselves on the bus (the notifier delivers warnings), and refuse what they cannot do.
describe('failover commands: announcements and refusals', () => {
  let nats: NatsServer;
  let emulator: KeyVaultEmulator;
  let peer: Bus;
  let dir: string;
  let config: string;
  const announced: OutcomeData[] = [];
  const cli = async (...argv: string[]) => {
    const lines: string[] = [];
    const push = (l: string) => lines.push(l);
    const code = await runCli(argv, { out: push, err: push, env: {} });
    return { code, output: lines.join('\n') };
  };

  before(async () => {
    nats = await startNats();
    emulator = await startEmulator({
      vaults: [
        { name: 'kv-fc-src', region: 'westeurope' },
        { name: 'kv-fc-dr', region: 'northeurope' },
        { name: 'kv-fc-a', region: 'westeurope' },
        { name: 'kv-fc-b', region: 'northeurope' },
      ],
      strictAuth: { tokens: [TOKEN] },
    });
    dir = await mkdtemp(join(tmpdir(), 'akvr-failover-cli-'));
    config = join(dir, 'config.yaml');
    const prefix = `fc${randomBytes(3).toString('hex')}`;
    const sub = emulator.subscriptionId;
    await writeFile(
      config,
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: {
          armEndpoint: emulator.armEndpoint,
          emulator: { caFile: emulator.caFile, token: TOKEN },
        },
        links: [
          {
            name: 'fc',
            source: { vault: 'kv-fc-src', subscriptionId: sub },
            replicas: [{ vault: 'kv-fc-dr', region: 'northeurope', subscriptionId: sub }],
          },
          {
            name: 'mirror',
            mode: 'two-way',
            source: { vault: 'kv-fc-a', region: 'westeurope', subscriptionId: sub },
            replicas: [{ vault: 'kv-fc-b', region: 'northeurope', subscriptionId: sub }],
          },
        ],
        bus: { transport: 'nats', nats: { servers: [nats.url], prefix } },
      }),
    );
    peer = await connectNatsBus({ servers: nats.url, prefix });
    await peer.subscribe(TOPICS.outcomes, { subscription: 'fake-notifier' }, async (e) => {
      if (e.type === 'akv.outcome.v1') announced.push(e.data);
      return ack();
    });
  });
  after(async () => {
    await peer?.close();
    await nats?.stop();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('promote announces VaultPromoted, refuses a second promotion, failback announces FailbackDone', async () => {
    const promoted = await cli('failover', 'promote', '--config', config, '--to', 'kv-fc-dr');
    assert.equal(promoted.code, 0, promoted.output);
    const again = await cli('failover', 'promote', '--config', config, '--to', 'kv-fc-dr');
    assert.equal(again.code, 1);
    assert.match(again.output, /already promoted from kv-fc-src/);

    await new SecretClient(emulator.vaultUrl('kv-fc-dr'), new StaticTokenCredential(TOKEN), {
      ...emulator.clientOptions(),
    }).setSecret('written-in-dr', 'x');
    const back = await cli('failover', 'failback', '--config', config, '--to', 'kv-fc-src');
    assert.equal(back.code, 0, back.output);
    assert.match(back.output, /new +written-in-dr/);

    const deadline = Date.now() + 30_000;
    while (announced.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      announced.map((o) => [o.status, o.service, o.code, o.link]),
      [
        ['warning', 'cli', 'VaultPromoted', 'fc'],
        ['warning', 'cli', 'FailbackDone', 'fc'],
      ],
    );
    assert.match(announced[0]!.reason ?? '', /kv-fc-dr promoted to replace kv-fc-src/);
  });

  it('refuses a two-way link, an unknown replica and a failback with nothing promoted (exit 2)', async () => {
    const twoWay = await cli('failover', 'promote', '--config', config, '--to', 'kv-fc-b');
    assert.equal(twoWay.code, 2);
    assert.match(twoWay.output, /two-way/);
    const unknown = await cli('failover', 'plan', '--config', config, '--to', 'kv-fc-none');
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /no link replicates into kv-fc-none/);
    const nothing = await cli('failover', 'failback', '--config', config, '--to', 'kv-fc-src');
    assert.equal(nothing.code, 2);
    assert.match(nothing.output, /no vault is promoted from kv-fc-src/);
  });
});
