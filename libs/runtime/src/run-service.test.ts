import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicatorError, type ServiceApp } from '@akv-replicator/core';
import { BusClosedError } from '@akv-replicator/bus';
import { eventually, outcomeEnvelope } from '@akv-replicator/bus/testing';
import type { Runtime } from './runtime';
import { runService } from './run-service';

// A configuration must replicate something (an empty one is refused), hence the link; the
// metrics endpoint on a free port, as on a host running several services.
const CONFIG = [
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: northeurope }] }]',
  'telemetry: { metricsPort: 0 }',
  '',
].join('\n');

function io(argv: string[]) {
  const stop = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  return {
    stop,
    out,
    err,
    io: {
      argv,
      env: {},
      signal: stop.signal,
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
    },
  };
}

const messages = (lines: string[]) =>
  lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('runService (what each service main.ts runs)', () => {
  let dir: string;
  let configFile: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'akvr-run-service-'));
    configFile = join(dir, 'config.yaml');
    await writeFile(configFile, CONFIG);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts the app over a runtime for this service, and on the signal stops it, closes the runtime: 0', async () => {
    const run = io(['--config', configFile]);
    const calls: string[] = [];
    let opened: Runtime | undefined;
    const exit = runService(
      'replicator',
      async (_loaded, runtime) => {
        opened = runtime;
        return {
          start: async () => void calls.push('start'),
          stop: async () => void calls.push('stop'),
        } satisfies ServiceApp;
      },
      run.io,
    );
    await eventually(
      'replicator started',
      () => messages(run.out).includes('replicator started'),
      60_000,
    );
    assert.deepEqual(opened?.regions, ['northeurope'], 'regions default to the replica regions');
    assert.equal(opened!.bus.transport, 'memory');
    run.stop.abort();
    assert.equal(await exit, 0);
    assert.deepEqual(calls, ['start', 'stop']);
    await assert.rejects(opened!.bus.publish('outcomes', outcomeEnvelope()), BusClosedError);
  });

  it('a start that fails closes the runtime and says why: 1', async () => {
    const run = io(['--config', configFile]);
    let opened: Runtime | undefined;
    const code = await runService(
      'notifier',
      async (_loaded, runtime) => {
        opened = runtime;
        return {
          start: () => Promise.reject(new ReplicatorError('channel refused', { code: 'Test' })),
          stop: async () => {},
        };
      },
      run.io,
    );
    assert.equal(code, 1);
    assert.deepEqual(run.err, ['notifier: channel refused']);
    await assert.rejects(opened!.bus.publish('outcomes', outcomeEnvelope()), BusClosedError);
  });

  it('wrong arguments: 2, before anything is opened', async () => {
    const app = () => Promise.reject(new Error('must not be built'));
    for (const argv of [[], ['--config'], ['--nope', 'x']]) {
      const run = io(argv);
      assert.equal(await runService('discovery', app, run.io), 2, argv.join(' '));
      assert.match(run.err.join('\n'), /^discovery: /);
    }
  });

  it('an invalid configuration names its key path: 1', async () => {
    const invalid = join(dir, 'invalid.yaml');
    await writeFile(invalid, `${CONFIG}bus: { transport: carrier-pigeon }\n`);
    const run = io(['--config', invalid]);
    const app = () => Promise.reject(new Error('must not be built'));
    assert.equal(await runService('ingress', app, run.io), 1);
    assert.match(run.err.join('\n'), /bus\.transport/);
  });
});
