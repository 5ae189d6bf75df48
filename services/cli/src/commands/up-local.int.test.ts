import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { DEFAULT_METRICS_PORT } from '@akv-replicator/core';
import { upLocalCommand } from './up-local';

/** Holds the default metrics port for the test (unless something else already does). */
async function holdPort(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen({ host: '0.0.0.0', port }, () => resolve(server));
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('up --local', () => {
  it('takes a free metrics port when 9464 is in use, and times replications from the event', async () => {
    const holder = await holdPort(DEFAULT_METRICS_PORT);
    const out: string[] = [];
    const stop = new AbortController();
    const running = upLocalCommand(
      { logLevel: 'silent', demo: false },
      { out: (l) => out.push(l), err: () => {}, env: {}, signal: stop.signal },
    );
    try {
      await waitFor('Ready', () => out.find((l) => l.startsWith('Ready.')));
      const metricsLine = out.find((l) => l.startsWith('  metrics  '));
      assert.ok(metricsLine, out.join('\n'));
      const metricsUrl = metricsLine.split(/\s+/)[2]!;
      assert.notEqual(new URL(metricsUrl).port, String(DEFAULT_METRICS_PORT));
      assert.equal((await fetch(metricsUrl)).status, 200);

      const ready = JSON.parse(out.find((l) => l.startsWith('{'))!) as {
        vaults: Record<string, string>;
        caFile: string;
      };
      const credential = {
        getToken: () => Promise.resolve({ token: 'local', expiresOnTimestamp: Date.now() + 3.6e6 }),
      };
      const source = new SecretClient(ready.vaults['kv-demo-weu']!, credential, {
        tlsOptions: { ca: readFileSync(ready.caFile, 'utf8') },
        disableChallengeResourceVerification: true,
      });
      const before = Date.now();
      await source.setSecret('timed-secret', 'timed-value');
      const arrived = await Promise.all(
        ['kv-demo-neu', 'kv-demo-eus'].map((replica) =>
          waitFor(replica, () => {
            const line = out.find((l) => l.includes(`created timed-secret in ${replica}`));
            return line === undefined ? undefined : { line, seenMs: Date.now() - before };
          }),
        ),
      );
      for (const { line, seenMs } of arrived) {
        const measured = /created timed-secret in \S+ \(\w+\) (\d+) ms after the event$/.exec(line);
        assert.ok(measured, line);
        // From the event (milliseconds), so never more than the whole round trip the test saw;
        // from the whole-second `created` it could be up to a second more.
        assert.ok(Number(measured[1]) <= seenMs, `${line} (seen after ${seenMs} ms)`);
      }
    } finally {
      stop.abort();
      assert.equal(await running, 0);
      await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
    }
    assert.equal(out.at(-1), 'stopped');
  });
});
