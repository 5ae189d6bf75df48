import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

// README's quick start and examples, run as written against `up --local`: README cannot rot.
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface CodeBlock {
  readonly info: string;
  readonly body: string;
}

/** Fenced blocks that start at the line's beginning (not the indented ones inside lists). */
export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    info: m[1]!,
    body: m[2]!,
  }));
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** A sample output line as a pattern: numbers (ports, timings, ids) may differ. */
function samplePattern(line: string): RegExp {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\d+/g, '\\d+')}$`);
}

describe('README', () => {
  let readme: string;
  let quickStart: string;
  let upLocal: ChildProcess;
  let output = '';
  let closed = false;
  let tmp: string;
  const lines = () => output.split('\n');
  const waitForLine = async (what: string, match: (line: string) => boolean) => {
    const deadline = Date.now() + 90_000;
    while (!lines().some(match)) {
      if (upLocal.exitCode !== null) throw new Error(`up --local exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`no ${what} in: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    readme = await readFile(join(REPO, 'README.md'), 'utf8');
    quickStart = section(readme, '## Quick start');
    await mkdir(join(REPO, '.tmp'), { recursive: true });
    tmp = await mkdtemp(join(REPO, '.tmp', 'readme-'));
    const commands = codeBlocks(quickStart)
      .filter((b) => b.info === 'bash')
      .flatMap((b) => b.body.split('\n'))
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l.startsWith('npx akv-replicator'));
    assert.deepEqual(commands, ['npx akv-replicator up --local'], 'the quick start command');
    // As a user types it, in its own process group so the test can press Ctrl-C for it.
    upLocal = spawn('sh', ['-c', commands[0]!], {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // 'close': every process holding its output (sh, npm, node) has exited.
    upLocal.once('close', () => (closed = true));
    upLocal.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    upLocal.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForLine('Ready', (l) => l.startsWith('Ready.'));
  });

  after(async () => {
    if (!closed) {
      try {
        process.kill(-upLocal.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
    await rm(tmp, { recursive: true, force: true });
  });

  it("quick start: up --local prints what README's sample output shows", async () => {
    const sample = codeBlocks(quickStart).find((b) => b.info === '' && b.body.includes('Ready.'));
    assert.ok(sample, 'the sample output block');
    const shown = sample.body.split('\n').filter((l) => l.trim() !== '' && !l.includes('…'));
    assert.ok(shown.length >= 8, sample.body);
    for (const line of shown) {
      const pattern = samplePattern(line);
      if (line.startsWith('  ✓ ')) await waitForLine(line, (l) => pattern.test(l));
      assert.ok(
        lines().some((l) => pattern.test(l)),
        `README shows "${line}"; got:\n${output}`,
      );
    }
  });

  it('every TypeScript example runs as written and its writes replicate', async () => {
    const examples = codeBlocks(readme).filter((b) => b.info === 'ts');
    assert.ok(examples.length >= 1, 'README has TypeScript examples');
    const readyLine = lines().find((l) => l.startsWith('{'))!;
    for (const [i, example] of examples.entries()) {
      const file = join(tmp, `example-${i}.ts`);
      await writeFile(file, example.body);
      const run = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [file, readyLine], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.status, 0, `example ${i}:\n${example.body}\n${run.stdout}${run.stderr}`);
      const written = [...example.body.matchAll(/setSecret\('([\w-]+)'/g)].map((m) => m[1]!);
      assert.ok(written.length > 0, `example ${i} writes a secret`);
      for (const name of written)
        for (const replica of ['kv-demo-neu', 'kv-demo-eus'])
          await waitForLine(`${name} in ${replica}`, (l) =>
            l.includes(`✓ created ${name} in ${replica}`),
          );
    }
  });

  it('Ctrl-C stops up --local', async () => {
    const gone = once(upLocal, 'close');
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-upLocal.pid!, 'SIGINT');
    await gone;
    assert.match(output, /\nstopping…\n(?:[\s\S]*\n)?stopped\n/);
  });
});
