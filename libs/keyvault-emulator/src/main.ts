// Thin entry point: the only file that exits the process.
import { CliUsageError } from './cli-args';
import { runEmulatorCli } from './cli';

try {
  await runEmulatorCli(process.argv.slice(2));
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `akv-keyvault-emulator: ${error instanceof CliUsageError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(error instanceof CliUsageError ? 2 : 1);
}
