import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/**
 * How long a spawned azurite-blob gets to print its listening address. Azurite 3.37 loads its
 * Application Insights stack even with --disableTelemetry: 12–20 s to listen on this 2-core
 * machine at load average 20 (3.35: 10–13 s), so 20 s failed under load; a wait, not a delay.
 */
export const DEFAULT_AZURITE_START_TIMEOUT_MS = 60_000;

export interface AzuriteBlob {
  /** `http://127.0.0.1:PORT/devstoreaccount1` */
  readonly blobEndpoint: string;
  /** A connection string any Azure Storage SDK accepts, pointing at this instance. */
  readonly connectionString: string;
  /** Creates the container unless it exists; resolves its client. */
  createContainer(name: string): Promise<ContainerClient>;
  /** Stops the process and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

// Instances left running when a test process dies without stop(): SIGKILL them on exit.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function azuriteBlobScript(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
}

/**
 * Spawns Azurite's blob service (the Microsoft storage emulator, from npm) on 127.0.0.1 with a
 * port the OS picks and a temporary data directory. Telemetry is off: nothing leaves loopback.
 */
export async function startAzuriteBlob(
  startTimeoutMs = DEFAULT_AZURITE_START_TIMEOUT_MS,
): Promise<AzuriteBlob> {
  const dir = mkdtempSync(join(tmpdir(), 'akvr-azurite-'));
  const child = spawn(
    process.execPath,
    [
      azuriteBlobScript(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      dir,
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const orphan of running) orphan.kill('SIGKILL');
    });
  }
  let port: number;
  try {
    port = await listeningPort(child, startTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};` +
    `AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
  let stopping: Promise<void> | undefined;
  return {
    blobEndpoint,
    connectionString,
    async createContainer(name) {
      const container = new ContainerClient(connectionString, name);
      await container.createIfNotExists();
      return container;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Azurite prints "…successfully listens on http://127.0.0.1:PORT" once it accepts requests. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`azurite-blob did not start within ${timeoutMs} ms: ${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) done(() => resolve(Number(match[1])));
    };
    const onExit = (code: number | null) =>
      fail(new Error(`azurite-blob exited with ${code} before listening: ${output}`));
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty Azurite never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      settle();
    };
    const fail = (error: Error) => done(() => reject(error));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    child.once('exit', onExit);
  });
}
