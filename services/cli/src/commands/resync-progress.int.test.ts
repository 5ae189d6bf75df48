import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { TOPICS, createEnvelope, type OutcomeData } from '@akv-replicator/core';
import { ack, type Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { runCli } from '../cli';

const TASKS = 2_000;

// `resync --wait` into a CI log (no terminal): a line per 10 % (or few seconds), not per task.
// The test plays discovery and the workers: it answers the published resync with a plan of
// TASKS tasks and one outcome per task, on a real NATS JetStream.
describe('resync --wait without a terminal', () => {
  let nats: NatsServer;
  let dir: string;
  let config: string;
  let peer: Bus;

  before(async () => {
    nats = await startNats();
    dir = await mkdtemp(join(tmpdir(), 'akvr-resync-'));
    config = join(dir, 'config.yaml');
    const prefix = `rp${randomBytes(3).toString('hex')}`;
    await writeFile(
      config,
      stringify({
        tenants: { default: { tenantId: randomUUID() } },
        links: [
          {
            name: 'progress',
            source: { vault: 'kv-progress-weu', subscriptionId: randomUUID() },
            replicas: [{ vault: 'kv-progress-neu', region: 'northeurope' }],
          },
        ],
        bus: { transport: 'nats', nats: { servers: [nats.url], prefix } },
      }),
    );
    peer = await connectNatsBus({ servers: nats.url, prefix });
    await peer.subscribe(TOPICS.resyncCommands, { subscription: 'fake-discovery' }, async (e) => {
      if (e.type !== 'akv.resync.command.v1') return ack();
      const trigger = { kind: 'resync' as const, id: e.data.resyncId };
      const outcome = (service: string, action: string, extra: Partial<OutcomeData> = {}) =>
        createEnvelope(
          'akv.outcome.v1',
          {
            outcomeId: randomUUID(),
            status: 'success',
            action,
            service,
            trigger,
            at: new Date().toISOString(),
            ...extra,
          },
          { source: '/test' },
        );
      await peer.publish(
        TOPICS.outcomes,
        outcome('discovery', 'reconcile-planned', { counts: { tasks: TASKS } }),
      );
      for (let i = 0; i < TASKS; i++)
        await peer.publish(
          TOPICS.outcomes,
          outcome('replicator', 'created', { objectName: `s-${i}` }),
        );
      return ack();
    });
  });

  after(async () => {
    await peer?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`prints about a dozen progress lines for ${TASKS} tasks, then the summary`, async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['resync', '--config', config, '--wait', '--timeout', '300'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: {},
    });
    assert.equal(code, 0, [...out, ...err].join('\n'));
    const progress = err.filter((l) => l.startsWith('progress: '));
    assert.ok(progress.length >= 2 && progress.length <= 20, err.join('\n'));
    assert.equal(progress.at(-1), `progress: ${TASKS}/${TASKS} tasks (100 %)`);
    assert.deepEqual(
      err.filter((l) => !l.startsWith('progress: ')),
      [],
      'nothing but progress lines on stderr',
    );
    assert.ok(out.includes(`    ${TASKS}  success created`), out.join('\n'));
  });
});
