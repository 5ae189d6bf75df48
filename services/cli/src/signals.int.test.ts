import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** What `npm ci` installs and what a process manager should start (README, "process manager"). */
const INSTALLED_BIN = `${REPO}node_modules/.bin/akv-replicator`;

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly ingress: string;
}

/** Starts `up --local --no-demo` and resolves once it printed Ready (and where its ingress is). */
async function startUpLocal(command: string, args: string[]): Promise<Started> {
  // Its own process group: whatever the test leaves behind can be stopped as a group.
  const child = spawn(command, [...args, 'up', '--local', '--no-demo'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!text.includes('\nReady.')) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${text}`);
    if (Date.now() > deadline) throw new Error(`not ready: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ready = JSON.parse(text.split('\n').find((l) => l.startsWith('{'))!) as {
    ingress: string;
  };
  return { child, output: () => text, ingress: ready.ingress };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function answers(url: string): Promise<boolean> {
  return (await fetch(`${url}/readyz`).catch(() => undefined)) !== undefined;
}

describe('stopping by signal to the PID a process manager started', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`the installed bin stops cleanly on ${signal}, exit 0`, async () => {
      const started = await startUpLocal(INSTALLED_BIN, []);
      try {
        const exited = once(started.child, 'exit') as Promise<[number | null, string | null]>;
        started.child.kill(signal);
        const [code] = await exited;
        assert.equal(code, 0, started.output());
        assert.match(started.output(), /\nstopping…\n(?:[\s\S]*\n)?stopped\n/);
        assert.equal(await answers(started.ingress), false, 'nothing left listening');
      } finally {
        killGroup(started.child);
      }
    });
  }

  it('through npx, SIGTERM to npm stops akv-replicator too (not left running re-parented)', async () => {
    const started = await startUpLocal('npm', ['exec', '--', 'akv-replicator']);
    try {
      assert.equal(await answers(started.ingress), true);
      started.child.kill('SIGTERM');
      const deadline = Date.now() + 60_000;
      while ((await answers(started.ingress)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(await answers(started.ingress), false, started.output());
    } finally {
      killGroup(started.child);
    }
  });
});
