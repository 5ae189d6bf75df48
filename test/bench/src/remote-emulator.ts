import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const EMULATOR_BIN = fileURLToPath(
  new URL('../../../libs/keyvault-emulator/bin/keyvault-emulator.js', import.meta.url),
);

export interface RemoteEmulator {
  readonly vaults: Record<string, string>;
  readonly arm: string;
  readonly ca: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly process: ChildProcess;
  /** POSTs to the emulator's admin endpoint (Event Grid subscriptions, faults). */
  admin(path: string, body: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The emulator in its own process, as Key Vault is remote in real life: the services under
 * test then get this process (and a core) to themselves.
 */
export async function startRemoteEmulator(
  vaults: readonly { name: string; region: string }[],
  extraArgs: string[] = [],
  options: {
    /** In a session of its own (see production-latency-stack.ts). Default false. */
    readonly detached?: boolean;
  } = {},
): Promise<RemoteEmulator> {
  const child = spawn(
    process.execPath,
    [EMULATOR_BIN, ...vaults.flatMap((v) => ['--vault', `${v.name}@${v.region}`]), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: options.detached ?? false },
  );
  const ready = await new Promise<{
    vaults: Record<string, string>;
    arm: string;
    caFile: string;
    tenantId: string;
    subscriptionId: string;
  }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on(
      'line',
      (line) => line.startsWith('{') && resolve(JSON.parse(line)),
    );
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const ca = await readFile(ready.caFile, 'utf8');
  return {
    ...ready,
    ca,
    process: child,
    admin(path, body) {
      return new Promise((resolve, reject) => {
        const request = httpsRequest(
          `${ready.arm}/admin/${path}`,
          { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            response.on('end', () =>
              (response.statusCode ?? 500) < 300
                ? resolve()
                : reject(new Error(`admin ${path}: ${response.statusCode}`)),
            );
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify(body));
      });
    },
    async stop() {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
