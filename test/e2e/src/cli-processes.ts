import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for';

/** The akv-replicator command as the workspace installs it (what operators run). */
export const CLI_BIN = fileURLToPath(
  new URL('../../../node_modules/.bin/akv-replicator', import.meta.url),
);

export interface CliProcess {
  readonly name: string;
  readonly process: ChildProcess;
  /** stdout (log lines) and stderr (anything else), interleaved in arrival order. */
  readonly output: string[];
}

/** The akv-replicator processes a test started, kept for diagnosis and stopped at the end. */
export class CliProcesses {
  readonly children: CliProcess[] = [];

  launch(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(CLI_BIN, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    this.children.push({ name, process: child, output });
    return child;
  }

  /** The first process launched under this name; throws when there is none. */
  named(name: string): CliProcess {
    const found = this.children.find((c) => c.name === name);
    if (!found) throw new Error(`no process named ${name}`);
    return found;
  }

  /** The end of every process's output, one section per process, for a failure message. */
  logs(tailChars: number): string {
    return this.children
      .map((c) => `--- ${c.name}\n${c.output.join('').slice(-tailChars)}`)
      .join('\n');
  }

  /** SIGTERM to every process still running; resolves once all have exited (by code or signal). */
  async stopAll(): Promise<void> {
    for (const child of this.children)
      if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise((r) =>
            c.process.exitCode !== null || c.process.signalCode !== null
              ? r(null)
              : c.process.once('exit', r),
          ),
      ),
    );
  }
}

/** Waits (up to a minute) until the ingress on this loopback port answers /readyz with 2xx. */
export function ingressReady(port: number): Promise<true> {
  return waitFor(
    'ingress ready',
    async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok
        ? true
        : undefined,
    60_000,
    200,
  );
}
