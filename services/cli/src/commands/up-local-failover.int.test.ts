import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { upLocalCommand } from './up-local';

const BIN = join(import.meta.dirname, '../../bin/akv-replicator.js');

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  pollMs = 100,
) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The CLI as a user runs it: its own process, nothing shared with the stack but the file. */
function cli(argv: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Not the test runner's child context: the CLI is an ordinary process here.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawn(process.execPath, [BIN, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function valueOf(client: SecretClient, name: string): Promise<string | undefined> {
  try {
    return (await client.getSecret(name)).value;
  } catch {
    return undefined;
  }
}

// Issue #20: the failover commands work against the stack README's quick start starts, through
// the configuration file `up --local` prints.
describe('up --local: the printed failover drill', () => {
  // Five CLI processes on a loaded machine: more than the default two minutes.
  it(
    'plans, promotes and fails back against the running local stack',
    { timeout: 600_000 },
    async () => {
      const out: string[] = [];
      const stop = new AbortController();
      const running = upLocalCommand(
        { logLevel: 'silent', demo: false },
        { out: (l) => out.push(l), err: () => {}, env: {}, signal: stop.signal },
      );
      let configFile: string | undefined;
      try {
        await waitFor('Ready', () => out.find((l) => l.startsWith('Ready.')));
        const ready = JSON.parse(out.find((l) => l.startsWith('{'))!) as {
          vaults: Record<string, string>;
          caFile: string;
          configFile: string;
        };
        configFile = ready.configFile;
        const drillLine = out.find((l) => l.startsWith('  failover '));
        assert.ok(drillLine, out.join('\n'));
        const printed = /akv-replicator (failover plan --to kv-demo-neu --config (\S+))/.exec(
          drillLine,
        );
        assert.ok(printed, drillLine);
        assert.equal(printed[2], configFile);
        const config = readFileSync(configFile, 'utf8');
        for (const token of [/"statusToken":"(\w+)"/, /"resyncToken":"(\w+)"/])
          assert.ok(!config.includes(token.exec(out.find((l) => l.startsWith('{'))!)![1]!));

        const credential = {
          getToken: () =>
            Promise.resolve({ token: 'local', expiresOnTimestamp: Date.now() + 3.6e6 }),
        };
        const client = (vault: string) =>
          new SecretClient(ready.vaults[vault]!, credential, {
            tlsOptions: { ca: readFileSync(ready.caFile, 'utf8') },
            disableChallengeResourceVerification: true,
          });
        const weu = client('kv-demo-weu');
        const neu = client('kv-demo-neu');
        const eus = client('kv-demo-eus');
        await weu.setSecret('drill-before', 'v0');
        await waitFor('drill-before in kv-demo-neu', () =>
          valueOf(neu, 'drill-before').then((v) => (v === 'v0' ? v : undefined)),
        );

        // The printed command as printed: nothing would be lost, the replica named.
        const plan = await cli(printed[1]!.split(' '));
        assert.equal(plan.code, 0, plan.output);
        assert.match(plan.output, /kv-demo-weu → kv-demo-neu/);

        const promote = await cli([
          'failover',
          'promote',
          '--to',
          'kv-demo-neu',
          '--config',
          configFile,
        ]);
        assert.equal(promote.code, 0, promote.output);
        assert.match(promote.output, /within 5 s \(replication\.topologyRefreshSeconds\)/);
        assert.match(promote.output, /not announced: bus\.transport is memory/);
        const again = await cli([
          'failover',
          'promote',
          '--to',
          'kv-demo-neu',
          '--config',
          configFile,
        ]);
        assert.equal(again.code, 1, `a second promote is refused: ${again.output}`);

        // Discovery sees the promotion within the refresh: a source write then still reaches
        // kv-demo-eus but no longer kv-demo-neu (until then, try again with a new secret).
        let probes = 0;
        const skipped = await waitFor(
          'a kv-demo-weu write that skips the promoted kv-demo-neu',
          async () => {
            const name = `drill-during-${++probes}`;
            await weu.setSecret(name, 'from-weu');
            await waitFor(`${name} in kv-demo-eus`, () => valueOf(eus, name));
            return (await valueOf(neu, name)) === undefined ? name : undefined;
          },
        );

        // Written into the promoted vault during the "outage": failback carries it back.
        await neu.setSecret('drill-outage', 'written-in-neu');
        const dry = await cli([
          'failover',
          'failback',
          '--to',
          'kv-demo-weu',
          '--dry-run',
          '--config',
          configFile,
        ]);
        assert.equal(dry.code, 0, dry.output);
        assert.match(dry.output, /^ {2}new +drill-outage: /m);
        // Never copied into the promoted vault: the resumed direction brings it.
        assert.match(dry.output, new RegExp(`^ {2}original-ahead +${skipped}: `, 'm'));
        assert.equal(await valueOf(weu, 'drill-outage'), undefined, 'a dry run writes nothing');

        const back = await cli([
          'failover',
          'failback',
          '--to',
          'kv-demo-weu',
          '--config',
          configFile,
        ]);
        assert.equal(back.code, 0, back.output);
        assert.match(back.output, /not announced: bus\.transport is memory/);
        assert.equal(await valueOf(weu, 'drill-outage'), 'written-in-neu');

        // The original direction resumes at discovery's next topology refresh: an event inside the
        // refresh window still sees the promotion, so keep writing new versions until one arrives.
        let written = 0;
        await waitFor(
          'a kv-demo-weu write to reach kv-demo-neu after failback',
          async () => {
            const seen = await valueOf(neu, 'drill-after');
            if (seen?.startsWith('after-')) return seen;
            await weu.setSecret('drill-after', `after-${++written}`);
            return undefined;
          },
          2_000,
        );
      } finally {
        stop.abort();
        assert.equal(await running, 0);
      }
      assert.equal(existsSync(configFile!), false, 'the configuration file is removed on stop');
    },
  );
});
