import { Command, CommanderError } from 'commander';
import type { CliIo } from './io';
import { validateConfigCommand } from './commands/validate-config';

/** Builds the `akv-replicator` command tree. Each action resolves to an exit code. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('akv-replicator')
    .description(
      'Disaster recovery for Azure Key Vault: replicate secrets and certificates across regions, subscriptions and tenants.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    });

  program
    .command('validate-config')
    .description(
      'check a configuration file and print the links it resolves to (exit 0 valid, 1 invalid)',
    )
    .argument('<file>', 'YAML configuration file')
    .option('--json', 'print the result as one JSON document')
    .action(async (file: string, options: { json?: boolean }) => {
      setExitCode(await validateConfigCommand(file, options, io));
    });

  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
