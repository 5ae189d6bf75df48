import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { CertificateClient } from '@azure/keyvault-certificates';
import { TOPICS, createEnvelope, loadConfigFile, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { runCli, startServices, type RunningStack } from 'akv-replicator';
import { waitFor } from './wait-for';

// Follows README's DR runbook step by step (Operations → DR runbook): plan, promote --as-source,
// switch applications, the region returns, failback --dry-run, failback, switch back. Secrets
// and certificates: a certificate renewed in the promoted vault during the outage is carried back.
const SRC = 'kv-fo-src';
const DR = 'kv-fo-dr';
const R2 = 'kv-fo-r2';
const VAULTS = [SRC, DR, R2];
const TOKEN = 'fo-token';

describe('failover and failback (issue #20, README DR runbook)', () => {
  let emulator: KeyVaultEmulator;
  let services: RunningStack | undefined;
  let dir: string;
  let config: string;
  const bus = createMemoryBus();
  const credential = new StaticTokenCredential(TOKEN);
  const client = (vault: string) =>
    new SecretClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());
  const certificates = (vault: string) =>
    new CertificateClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());
  /** Issues a new certificate (or a renewal: a new version) as an operator imports one. */
  const issue = async (vault: string, name: string) => {
    const pfx = createTestCertificate({ subject: `CN=${name}.example.test`, format: 'pfx' });
    await certificates(vault).importCertificate(name, Buffer.from(pfx.value, 'base64'));
    return pfx.x5t;
  };
  /** The thumbprint the vault serves for `name`, or undefined. */
  const x5tIn = (vault: string, name: string) =>
    certificates(vault)
      .getCertificate(name)
      .then(
        (c) => Buffer.from(c.properties.x509Thumbprint!).toString('base64url'),
        () => undefined,
      );
  const certificateVersionsIn = async (vault: string, name: string) => {
    let n = 0;
    for await (const _ of certificates(vault).listPropertiesOfCertificateVersions(name)) n++;
    return n;
  };
  /** The last value written to each name anywhere (what every vault must hold at the end). */
  const written = new Map<string, string>();
  const deleted = new Set<string>();
  const outcomes: OutcomeData[] = [];

  const cli = async (...argv: string[]) => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), env: {} };
    const code = await runCli(argv, io);
    return { code, output: lines.join('\n') };
  };
  const start = async () => {
    services = await startServices(
      await loadConfigFile(config, { env: {} }),
      { services: ['discovery', 'replicator', 'certificate-converter'] },
      {
        bus,
        credentialFor: () => credential,
        secrets: { env: {}, readFile: () => Promise.reject(new Error('none')) },
        secretClientOptions: emulator.clientOptions(),
        armClientOptions: { tlsOptions: { ca: emulator.ca } },
      },
    );
  };
  const restart = async () => {
    await services?.stop();
    await start();
  };
  /** A resync, waited for until every task it planned has an outcome. */
  const resync = async (id: string) => {
    await bus.publish(
      TOPICS.resyncCommands,
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: id, requestedAt: new Date().toISOString() },
        { id, source: '/test' },
      ),
    );
    return waitFor(
      `resync ${id} settled`,
      async () => {
        const mine = outcomes.filter((o) => o.trigger?.id === id);
        const planned = mine.find((o) => o.action === 'reconcile-planned');
        const done = mine.filter((o) => o.service !== 'discovery');
        return planned && done.length >= (planned.counts?.['tasks'] ?? 0) ? mine : undefined;
      },
      120_000,
      100,
    );
  };
  const write = async (vault: string, name: string, value: string) => {
    await client(vault).setSecret(name, value);
    written.set(name, value);
    deleted.delete(name);
  };
  const valueIn = (vault: string, name: string) =>
    client(vault)
      .getSecret(name)
      .then(
        (s) => s.value,
        () => undefined,
      );
  /**
   * Applications writing all along into whichever vault they are switched to; a write refused by
   * a vault that is down is not counted (the application saw it fail). Stopped before failback,
   * as the runbook says (drain writes into the promoted vault first).
   */
  const writer = { vault: SRC, running: true, n: 0, loop: Promise.resolve() };
  const startWriter = () => {
    writer.running = true;
    writer.loop = (async () => {
      while (writer.running) {
        const name = `bg-${writer.n++}`;
        const vault = writer.vault;
        // No retries: an application's write to a vault that is down fails at once.
        await new SecretClient(emulator.vaultUrl(vault), credential, {
          ...emulator.clientOptions(),
          retryOptions: { maxRetries: 0 },
        })
          .setSecret(name, `${vault}-${name}`)
          .then(
            () => written.set(name, `${vault}-${name}`),
            () => undefined,
          );
        await new Promise((r) => setTimeout(r, 20)); // an application's write pace, not a wait
      }
    })();
  };
  const stopWriter = async () => {
    writer.running = false;
    await writer.loop;
  };
  const versionsIn = async (vault: string, name: string) => {
    let n = 0;
    for await (const _ of client(vault).listPropertiesOfSecretVersions(name)) n++;
    return n;
  };

  before(async () => {
    emulator = await startEmulator({
      vaults: [
        { name: SRC, region: 'westeurope' },
        { name: DR, region: 'northeurope' },
        { name: R2, region: 'eastus' },
      ],
      strictAuth: { tokens: [TOKEN] },
    });
    dir = await mkdtemp(join(tmpdir(), 'akvr-failover-'));
    config = join(dir, 'config.yaml');
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
            name: 'fo',
            source: { vault: SRC, region: 'westeurope', subscriptionId: sub },
            replicas: [
              { vault: DR, region: 'northeurope', subscriptionId: sub },
              { vault: R2, region: 'eastus', subscriptionId: sub },
            ],
            objectKinds: ['secrets', 'certificates'],
            deletion: { policy: 'delete', maxDeletePercent: 100, minObjects: 0 },
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        telemetry: { metricsPort: 0 },
      }),
    );
    await bus.subscribe(TOPICS.outcomes, { subscription: 'failover-test' }, async (e) => {
      if (e.type === 'akv.outcome.v1') outcomes.push(e.data);
      return ack();
    });
    await start();
  });
  after(async () => {
    // A failed assertion leaves the application writer running: stopped, the process can end.
    await stopWriter();
    await services?.stop();
    await bus.close();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('plans, promotes, takes writes in the promoted vault, fails back, and every vault ends current', async () => {
    for (let i = 0; i < 6; i++) await write(SRC, `app-${i}`, `v1-${i}`);
    const firstTls = await issue(SRC, 'web-tls');
    startWriter();
    await resync('initial');
    for (const vault of [DR, R2]) assert.equal(await valueIn(vault, 'app-5'), 'v1-5');
    for (const vault of [DR, R2]) assert.equal(await x5tIn(vault, 'web-tls'), firstTls);

    // Writes the replicas never got: plan names them while the source still answers.
    await write(SRC, 'late', 'late-1');
    const lateTls = await issue(SRC, 'late-tls');
    const planned = await cli('failover', 'plan', '--config', config, '--to', DR);
    assert.equal(planned.code, 1, planned.output);
    assert.match(planned.output, /missing +secret +late /);
    assert.match(planned.output, /missing +certificate +late-tls /);
    assert.doesNotMatch(planned.output, /web-tls/, 'the replicated certificate is in sync');

    // The source region goes down: plan can only give the replica's recovery point.
    await emulator.faults.takeVaultOffline(SRC);
    const blind = await cli('failover', 'plan', '--config', config, '--to', DR, '--json');
    assert.equal(blind.code, 1, blind.output);
    const blindPlan = JSON.parse(blind.output) as {
      sourceAnswered: boolean;
      replicaCurrentTo: number;
    };
    assert.equal(blindPlan.sourceAnswered, false);
    assert.ok(blindPlan.replicaCurrentTo > 0);

    const promoted = await cli(
      'failover',
      'promote',
      '--config',
      config,
      '--to',
      DR,
      '--as-source',
    );
    assert.equal(promoted.code, 0, promoted.output);
    assert.equal(emulator.vault(DR).tags?.['akv-replicator-promoted-from'], SRC);
    writer.vault = DR; // applications switched to the promoted vault
    await restart(); // the promotion lives in ARM, not in discovery's memory

    // Applications switched to the promoted vault: a new secret, a new version, a delete, and
    // a certificate renewed there.
    const renewedTls = await issue(DR, 'web-tls');
    await write(DR, 'dr-new', 'dr-1');
    await write(DR, 'app-1', 'v2-dr');
    await client(DR)
      .beginDeleteSecret('app-2')
      .then((p) => p.pollUntilDone());
    written.delete('app-2');
    deleted.add('app-2');
    await resync('promoted');
    assert.equal(
      await valueIn(R2, 'dr-new'),
      'dr-1',
      'the promoted vault serves the other replica',
    );
    assert.equal(await valueIn(R2, 'app-1'), 'v2-dr');
    assert.equal(await valueIn(R2, 'app-2'), undefined);
    assert.equal(await x5tIn(R2, 'web-tls'), renewedTls, 'its copy was adopted at promotion');

    // The region returns; after a restart the old direction stays suspended.
    await emulator.faults.bringVaultOnline(SRC);
    await restart();
    const suspended = await resync('region-back');
    assert.ok(suspended.some((o) => o.code === 'LinkSuspendedByPromotion'));
    assert.equal(
      await valueIn(DR, 'late'),
      undefined,
      'nothing from the old source into the promoted vault',
    );
    assert.equal(await valueIn(DR, 'app-1'), 'v2-dr');

    await stopWriter();
    const dry = await cli('failover', 'failback', '--config', config, '--to', SRC, '--dry-run');
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, /new +dr-new/);
    assert.match(dry.output, /new-version +app-1/);
    assert.match(dry.output, /deleted +app-2/);
    assert.match(dry.output, /original-ahead +late:/);
    assert.match(dry.output, /new-version +web-tls \(certificate\)/);
    assert.match(dry.output, /original-ahead +late-tls \(certificate\)/);
    assert.equal(await valueIn(SRC, 'dr-new'), undefined, 'a dry run writes nothing');
    assert.equal(await x5tIn(SRC, 'web-tls'), firstTls, 'a dry run imports nothing');

    const back = await cli('failover', 'failback', '--config', config, '--to', SRC);
    assert.equal(back.code, 0, back.output);
    assert.equal(emulator.vault(DR).tags?.['akv-replicator-promoted-from'], undefined);
    assert.equal(await x5tIn(SRC, 'web-tls'), renewedTls, 'the original serves the renewal');
    await resync('resumed');
    writer.vault = SRC; // applications switched back
    startWriter();
    await write(SRC, 'after', 'after-1');
    // Objects carried back are the original's again: its next writes reach every replica.
    await write(SRC, 'app-1', 'v3-src');
    await write(SRC, 'dr-new', 'src-2');
    await stopWriter();
    await resync('after');

    for (const vault of VAULTS) {
      for (const [name, value] of written)
        assert.equal(await valueIn(vault, name), value, `${vault}/${name}`);
      for (const name of deleted)
        assert.equal(await valueIn(vault, name), undefined, `${vault}/${name}`);
      assert.equal(await x5tIn(vault, 'web-tls'), renewedTls, `${vault}/web-tls`);
      assert.equal(await x5tIn(vault, 'late-tls'), lateTls, `${vault}/late-tls`);
    }
    // No extra versions: one per write that reached a vault, none from the way back or resuming.
    const once = Object.fromEntries([...written.keys()].map((name) => [name, 1]));
    const counts = { ...once, 'app-1': 3, 'dr-new': 2 };
    const expected: Record<string, Record<string, number>> = {
      [SRC]: counts,
      [DR]: counts,
      [R2]: counts,
    };
    assert.ok(
      [...written.keys()].filter((n) => n.startsWith('bg-') && written.get(n)!.startsWith(DR))
        .length > 0,
      'writes landed in the promoted vault',
    );
    const counted = async () =>
      Object.fromEntries(
        await Promise.all(
          VAULTS.map(async (vault) => [
            vault,
            Object.fromEntries(
              await Promise.all(
                Object.keys(expected[vault]!).map(async (n) => [n, await versionsIn(vault, n)]),
              ),
            ),
          ]),
        ),
      );
    assert.deepEqual(await counted(), expected);
    // Certificates: the first issue and the renewal everywhere (carried back once, adopted, not
    // re-imported when the direction resumed); the late one once.
    const certificateCounts = async () =>
      Promise.all(
        VAULTS.map(async (vault) => [
          await certificateVersionsIn(vault, 'web-tls'),
          await certificateVersionsIn(vault, 'late-tls'),
        ]),
      );
    const expectedCertificates = VAULTS.map(() => [2, 1]);
    assert.deepEqual(await certificateCounts(), expectedCertificates);
    await resync('idle');
    assert.deepEqual(await counted(), expected, 'a further reconcile writes nothing');
    assert.deepEqual(await certificateCounts(), expectedCertificates);
  });
});
