import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { eventually } from '@akv-replicator/bus/testing';
import type { StatusReport } from '@akv-replicator/discovery';
import type { CliIo } from '../io';
import { STATUS_EXIT, statusCommand, type StatusOptions } from './status';
import { upLocalCommand } from './up-local';

interface Ready {
  vaults: Record<string, string>;
  caFile: string;
  ingress: string;
  status: string;
  statusToken: string;
  resyncToken: string;
}

/** Runs `status` with these options; its exit code and output. */
async function status(options: Partial<StatusOptions>, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  const code = await statusCommand({ tokenEnv: 'AKV_REPLICATOR_STATUS_TOKEN', ...options }, io);
  return { code, out, err };
}

/**
 * Generous: up --local starts an emulator and five services, which a loaded 2-core machine can
 * take tens of seconds to do; the bound only ends a failing run, and names what it awaited.
 */
const STACK_TIMEOUT_MS = 60_000;

/** Polls until `probe` answers something. */
function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return eventually(what, probe, STACK_TIMEOUT_MS);
}

describe('status against up --local (what its ready output prints)', () => {
  const out: string[] = [];
  const stop = new AbortController();
  let running: Promise<number>;
  let ready: Ready;
  let env: Record<string, string>;
  before(async () => {
    running = upLocalCommand(
      { logLevel: 'silent', demo: false },
      { out: (l) => out.push(l), err: () => {}, env: {}, signal: stop.signal },
    );
    await until('the Ready line', async () => out.find((l) => l.startsWith('Ready.')));
    ready = JSON.parse(out.find((l) => l.startsWith('{'))!) as Ready;
    env = { AKV_REPLICATOR_STATUS_TOKEN: ready.statusToken };
  });
  after(async () => {
    stop.abort();
    assert.equal(await running, 0);
  });

  it('prints the status page, the status command and the resync command with their tokens', () => {
    const page = out.find((l) => l.startsWith('  status   '));
    assert.equal(page, `  status   ${ready.status}/?token=${ready.statusToken}  (status page)`);
    assert.ok(out.some((l) => l.includes(`akv-replicator status --url ${ready.status}`)));
    assert.ok(out.some((l) => l.includes(`resync --ingress ${ready.ingress}`)));
  });

  it('exit 0 once every replica was listed and all is in sync; 2 with a wrong token', async () => {
    const first = await until('a status report not rebuilding', async () => {
      const run = await status({ url: ready.status, json: true }, env);
      const report = JSON.parse(run.out[0]!) as StatusReport;
      return report.rebuilding ? undefined : { run, report };
    });
    assert.equal(first.run.code, STATUS_EXIT.inSync);
    assert.deepEqual(first.report.replicas.map((r) => r.replicaVault).sort(), [
      'kv-demo-eus',
      'kv-demo-neu',
    ]);
    const text = await status({ url: ready.status }, env);
    assert.equal(text.code, 0);
    assert.match(text.out[0]!, /^status: in sync/);
    assert.ok(
      text.out.some((l) => /demo\s+kv-demo-weu → kv-demo-neu \(northeurope\)\s+in sync/.test(l)),
    );
    const wrong = await status({ url: ready.status }, { AKV_REPLICATOR_STATUS_TOKEN: 'nope' });
    assert.equal(wrong.code, STATUS_EXIT.unreadable);
    assert.match(wrong.err.join('\n'), /401/);
  });

  it('exit 1 and --objects lists an object in the way at a replica after a resync', async () => {
    const client = (vault: string) =>
      new SecretClient(
        ready.vaults[vault]!,
        {
          getToken: () =>
            Promise.resolve({ token: 'local', expiresOnTimestamp: Date.now() + 3.6e6 }),
        },
        {
          tlsOptions: { ca: readFileSync(ready.caFile, 'utf8') },
          disableChallengeResourceVerification: true,
        },
      );
    // Someone's own secret in the replica, then the source gets one of the same name.
    await client('kv-demo-neu').setSecret('clash', 'theirs');
    await client('kv-demo-weu').setSecret('clash', 'ours');
    const resync = await fetch(`${ready.ingress}/resync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-akv-replicator-key': ready.resyncToken },
      body: JSON.stringify({ vault: 'kv-demo-weu' }),
    });
    assert.equal(resync.status, 202);
    const listed = await until('clash listed as not-ours', async () => {
      const run = await status({ url: ready.status, objects: true, search: 'clash' }, env);
      return run.out.some((l) => /secret clash\s+kv-demo-weu → kv-demo-neu\s+not-ours/.test(l))
        ? run
        : undefined;
    });
    assert.equal(listed.code, STATUS_EXIT.notInSync);
    assert.match(listed.out[0]!, /^status: NOT IN SYNC/);
  });
});

it('status without --url, --config or AKV_REPLICATOR_STATUS_URL says what it needs (exit 2)', async () => {
  const run = await status({});
  assert.equal(run.code, STATUS_EXIT.unreadable);
  assert.match(run.err.join('\n'), /--url/);
});
