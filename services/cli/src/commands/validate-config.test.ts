import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli } from '../cli';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const example = (name: string) => join(repoRoot, 'deploy/examples', `${name}.yaml`);

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function tempConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'akvr-cli-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, text);
  return file;
}

describe('akv-replicator validate-config', () => {
  it('prints resolved links with regions and exits 0', async () => {
    const { code, out } = await run([
      'validate-config',
      example('same-subscription-workload-identity'),
    ]);
    assert.equal(code, 0);
    assert.match(
      out,
      /prod\/kv-payments-weu: kv-payments-weu → kv-payments-weu-dr \(northeurope, autoCreate\)/,
    );
    assert.match(out, /prod\/kv-identity-weu: kv-identity-weu → kv-identity-weu-dr/);
  });

  it('shows two-way links and run-time selections', async () => {
    assert.match(
      (await run(['validate-config', example('two-way-link')])).out,
      /kv-orders-weu \(westeurope\) ⇄ kv-orders-eus \(eastus\)/,
    );
    assert.match(
      (await run(['validate-config', example('destinations-from-tag')])).out,
      /tagged: all vaults in subscription .* → vaults named in dst_key_vault_names/,
    );
  });

  it('exits 1 and names every broken key path', async () => {
    const file = await tempConfig(
      'replication:\n  dryrun: true\nnotifications:\n  telegram: { botToken: "123:abc", chatId: "1" }\n',
    );
    const { code, err } = await run(['validate-config', file]);
    assert.equal(code, 1);
    assert.match(err, /invalid \(2 problems\)/);
    assert.match(err, /replication\.dryrun: unknown key \(line 2\)/);
    assert.match(err, /notifications\.telegram\.botToken: inline secret values are not allowed/);
    assert.ok(!err.includes('123:abc'), 'the inline secret must not be echoed');
  });

  it('exits 1 for a pattern that makes an invalid vault name', async () => {
    const file = await tempConfig(
      'sources:\n  - name: s\n    selectionMode: specific\n    keyvaults: [{ name: kv-payments-prod }]\n    destinations: [{ region: northeurope, namingPattern: "{source_name}-{region}" }]\n',
    );
    const { code, err } = await run(['validate-config', file]);
    assert.equal(code, 1);
    assert.match(
      err,
      /sources\[0\]\.destinations\[0\]\.namingPattern: for source vault kv-payments-prod: "kv-payments-prod-northeurope" is 28 characters/,
    );
  });

  it('exits 1 for a missing file, and 1 with usage for a missing argument', async () => {
    assert.equal((await run(['validate-config', '/nonexistent/config.yaml'])).code, 1);
    const usage = await run(['validate-config']);
    assert.equal(usage.code, 1);
    assert.match(usage.err, /missing required argument 'file'/);
  });

  it('prints JSON for scripts', async () => {
    const { code, out } = await run(['validate-config', '--json', example('single-vault')]);
    assert.equal(code, 0);
    const result = JSON.parse(out) as {
      valid: boolean;
      links: Array<{ name: string; replicas: Array<{ uri: string }> }>;
    };
    assert.equal(result.valid, true);
    assert.equal(result.links[0]?.replicas[0]?.uri, 'https://kv-payments-neu.vault.azure.net');
  });

  it('works as a real process through the npm bin, as a user runs it', async () => {
    const bin = join(repoRoot, 'node_modules/.bin/akv-replicator');
    const { stdout } = await promisify(execFile)(
      bin,
      ['validate-config', example('single-vault')],
      { cwd: repoRoot },
    );
    assert.match(stdout, /payments: kv-payments-weu → kv-payments-neu \(northeurope\)/);
    await assert.rejects(
      promisify(execFile)(bin, ['validate-config', '/nonexistent.yaml']),
      (error: { code?: number }) => error.code === 1,
    );
  });
});
