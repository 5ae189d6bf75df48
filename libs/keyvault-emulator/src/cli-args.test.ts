import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CliUsageError, parseEmulatorArgs } from './cli-args';

describe('parseEmulatorArgs', () => {
  it('parses vaults with regions, port base, strict tokens and no-throttling', async () => {
    const options = await parseEmulatorArgs([
      '--vault',
      'a',
      '--vault',
      'b@eastus',
      '--port-base',
      '9100',
      '--strict-auth',
      't1',
      '--no-throttling',
    ]);
    assert.deepEqual(options.vaults, [{ name: 'a' }, { name: 'b', region: 'eastus' }]);
    assert.equal(options.portBase, 9100);
    assert.deepEqual(options.strictAuth, { tokens: ['t1'] });
    assert.equal(options.throttling?.enabled, false);
  });

  it('parses --lifecycle-delay-ms (0 allowed) and refuses a negative or fractional one', async () => {
    assert.equal((await parseEmulatorArgs(['--vault', 'a'])).lifecycleDelayMs, undefined);
    const instant = await parseEmulatorArgs(['--vault', 'a', '--lifecycle-delay-ms', '0']);
    assert.equal(instant.lifecycleDelayMs, 0);
    const slow = await parseEmulatorArgs(['--vault', 'a', '--lifecycle-delay-ms', '5000']);
    assert.equal(slow.lifecycleDelayMs, 5000);
    for (const bad of ['-1', '1.5', 'soon'])
      await assert.rejects(
        parseEmulatorArgs(['--vault', 'a', '--lifecycle-delay-ms', bad]),
        (error: unknown) =>
          error instanceof CliUsageError && /lifecycle-delay-ms/.test(String(error)),
      );
  });

  it('parses the listen address and the public host name', async () => {
    const options = await parseEmulatorArgs([
      '--vault',
      'a',
      '--host',
      '0.0.0.0',
      '--public-host',
      'keyvault-emulator',
    ]);
    assert.equal(options.host, '0.0.0.0');
    assert.equal(options.publicHost, 'keyvault-emulator');
    await assert.rejects(parseEmulatorArgs(['--vault', 'a', '--host']), /--host needs a value/);
  });

  it('merges a --config file with flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kv-args-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(
        file,
        JSON.stringify({
          tenantId: 't',
          vaults: [{ name: 'x', region: 'r' }],
          throttling: { maxTransactions: 5 },
        }),
      );
      const options = await parseEmulatorArgs(['--config', file, '--vault', 'y']);
      assert.deepEqual(options.vaults, [{ name: 'x', region: 'r' }, { name: 'y' }]);
      assert.equal(options.tenantId, 't');
      assert.equal(options.throttling?.maxTransactions, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown flags, missing values and an empty vault list', async () => {
    await assert.rejects(parseEmulatorArgs(['--nope']), CliUsageError);
    await assert.rejects(parseEmulatorArgs(['--vault']), /--vault needs a value/);
    await assert.rejects(parseEmulatorArgs(['--port-base', 'x', '--vault', 'a']), /integer/);
    await assert.rejects(parseEmulatorArgs([]), /at least one --vault/);
  });
});
