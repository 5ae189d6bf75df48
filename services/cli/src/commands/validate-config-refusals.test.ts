import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(repoRoot, 'node_modules/.bin/akv-replicator');

async function validate(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['validate-config', file], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'akvr-refuse-'));
  await writeFile(join(dir, name), content);
  return join(dir, name);
}

describe('validate-config refuses, with the reason, what would do harm or nothing', () => {
  it('links that replicate into each other (exit 1, both links named)', async () => {
    const file = await tempFile(
      'loop.yaml',
      `replication: { overwriteUnowned: true }
links:
  - name: ab
    source: { vault: kv-a }
    replicas: [{ vault: kv-b, region: westus }]
  - name: ba
    source: { vault: kv-b }
    replicas: [{ vault: kv-a, region: eastus }]
`,
    );
    const { code, err } = await validate(file);
    assert.equal(code, 1);
    assert.match(
      err,
      /links\[0\]: kv-a and kv-b replicate into each other through links ab \(links\[0\]\), ba \(links\[1\]\)/,
    );
  });

  for (const [label, content] of [
    ['an empty file', ''],
    ['a lone "---"', '---\n'],
  ] as const) {
    it(`${label}: nothing to replicate`, async () => {
      const { code, out, err } = await validate(await tempFile('empty.yaml', content));
      assert.equal(code, 1);
      assert.doesNotMatch(out, /links \(0\)/);
      assert.match(err, /\(root\): nothing to replicate: add links or sources/);
    });
  }

  it('/dev/null and a FIFO: not regular files, refused without blocking', async () => {
    assert.match(
      (await validate('/dev/null')).err,
      /\/dev\/null is a character device, not a regular file/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'akvr-fifo-'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const { code, err } = await validate(join(dir, 'pipe.yaml'));
    assert.equal(code, 1);
    assert.match(err, /is a FIFO \(named pipe\), not a regular file/);
  });

  it('a YAML alias bomb: one clean line, no stack trace', async () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const { code, err } = await validate(await tempFile('bomb.yaml', rows.join('\n')));
    assert.equal(code, 1);
    assert.match(err, /\(yaml\): aliases expand too far/);
    assert.doesNotMatch(err, /\n\s+at /);
  });

  it('a UTF-16 file: the message names the encoding', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('links: []\n', 'utf16le')]);
    const { code, err } = await validate(await tempFile('utf16.yaml', utf16));
    assert.equal(code, 1);
    assert.match(err, /the file is UTF-16LE .*save it as UTF-8/);
  });

  it('exits quietly when the reader closes the pipe (validate-config … | head)', async () => {
    const child = spawn(
      bin,
      [
        'validate-config',
        join(repoRoot, 'deploy/examples/multiple-vaults-full-notifications.yaml'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Closed before the first line is written: every write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
