import { once } from 'node:events';
import { parseEmulatorArgs } from './cli-args';
import { startEmulator, type KeyVaultEmulator } from './emulator';

/** Where the CLI writes and what stops it; defaults are the process's stdout and signals. */
export interface EmulatorCliIo {
  readonly write?: (line: string) => void;
  /** Resolves when the emulator should stop. Default: SIGINT or SIGTERM. */
  readonly stopSignal?: Promise<unknown>;
  /** Called once the emulator is up (tests and embedders use it). */
  readonly onReady?: (emulator: KeyVaultEmulator) => void;
}

/** The ready line: everything a client needs to connect. */
export function readyLine(emulator: KeyVaultEmulator): string {
  const vaults = Object.fromEntries(
    emulator.vaultNames().map((name) => [name, emulator.vaultUrl(name)]),
  );
  return JSON.stringify({
    vaults,
    arm: emulator.armEndpoint,
    caFile: emulator.caFile,
    tenantId: emulator.tenantId,
    subscriptionId: emulator.subscriptionId,
  });
}

function processSignals(): Promise<unknown> {
  // Signals are this function's job because `akv-replicator emulator` calls it directly.
  return Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
}

/**
 * Runs the emulator CLI: parses `argv` (without node and script), starts the emulator,
 * prints one JSON line when ready, and resolves after SIGINT/SIGTERM once everything is
 * stopped. Throws CliUsageError for a bad command line.
 */
export async function runEmulatorCli(
  argv: readonly string[],
  io: EmulatorCliIo = {},
): Promise<void> {
  const options = await parseEmulatorArgs(argv);
  const write = io.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stop = io.stopSignal ?? processSignals();
  const emulator = await startEmulator(options);
  try {
    write(readyLine(emulator));
    io.onReady?.(emulator);
    await stop;
  } finally {
    await emulator.stop();
  }
}
