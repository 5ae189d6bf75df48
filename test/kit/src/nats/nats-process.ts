import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../net/free-port';
import type { NatsServer } from './nats-handle';
import { waitForHealthz } from './wait-ready';

/** Where Debian's package puts the binary, checked before PATH. */
export const DEBIAN_NATS_SERVER_PATH = '/usr/sbin/nats-server';
/** How long a spawned nats-server gets to answer /healthz. */
export const DEFAULT_NATS_START_TIMEOUT_MS = 15_000;

/** Where to look for nats-server: /usr/sbin first, then every PATH directory. */
export function natsServerCandidates(path = process.env['PATH'] ?? ''): string[] {
  return [
    DEBIAN_NATS_SERVER_PATH,
    ...path
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'nats-server')),
  ];
}

/** The first executable candidate, else undefined. */
export function findNatsServerBinary(
  candidates: readonly string[] = natsServerCandidates(),
): string | undefined {
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// Servers left running when a test process dies without stop(): SIGKILL them on exit.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const orphan of running) orphan.kill('SIGKILL');
    });
  }
}

/**
 * Spawns `nats-server -js` on 127.0.0.1 with free client and monitor ports and a temporary
 * store directory; restart() reuses both ports and the store, as a rebooted node would.
 */
export async function spawnNatsServer(
  binary: string,
  startTimeoutMs = DEFAULT_NATS_START_TIMEOUT_MS,
): Promise<NatsServer> {
  const port = await freePort();
  const monitorPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'akvr-nats-'));
  const args = [
    '-js',
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    String(monitorPort),
    '-sd',
    join(dir, 'store'),
    '-l',
    join(dir, 'nats.log'),
  ];
  let child: ChildProcess | undefined;
  let removed = false;

  const start = async (): Promise<void> => {
    const spawned = spawn(binary, args, { stdio: 'ignore' });
    child = spawned;
    trackForExit(spawned);
    let exited = false;
    spawned.once('exit', () => {
      exited = true;
    });
    await waitForHealthz(`http://127.0.0.1:${monitorPort}`, startTimeoutMs, () => !exited);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    origin: 'process',
    controllable: true,
    stop: async () => {
      await halt('SIGTERM');
      if (!removed) {
        removed = true;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      if (removed) throw new Error('nats-server was stopped for good: its store is gone');
      await halt('SIGTERM');
      await start();
    },
  };
}
