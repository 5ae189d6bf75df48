import { Command, CommanderError } from 'commander';
// Inlined by the bundler, so dist/ and the images print the version they were built from.
import packageJson from '../package.json' with { type: 'json' };
import type { CliIo } from './io';
import type { FailoverOptions, PlanOptions } from './commands/failover/failover-commands';
import type { ManifestsOptions } from './commands/manifests';
import type { ResyncOptions } from './commands/resync';
import type { StatusOptions } from './commands/status';
import type { ServiceBusTopologyOptions } from './commands/servicebus-topology';
import { SERVICE_NAMES } from './stack/service-names';

// Commands are loaded when run, so each process holds only what its command needs (a
// replicator process stays well under the 128 MiB budget).

/** Builds the `akv-replicator` command tree. Each action resolves to an exit code. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('akv-replicator')
    .description(
      'Disaster recovery for Azure Key Vault: replicate secrets and certificates across regions, subscriptions and tenants.',
    )
    .version(packageJson.version, '-V, --version', 'print the version of akv-replicator')
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
      setExitCode(
        await (await import('./commands/validate-config')).validateConfigCommand(file, options, io),
      );
    });

  program
    .command('up')
    .description(
      'run akv-replicator: --local for the embedded demo, or --config FILE against Azure',
    )
    .option(
      '--local',
      'embedded default: emulator + in-memory bus + all services, with a visible demo replication',
    )
    .option('--no-demo', 'with --local: do not write the demo secrets')
    .option('--config <file>', 'configuration file (YAML)')
    .option(
      '--services <list>',
      `comma-separated services to run here (${SERVICE_NAMES.join(', ')}); default all`,
    )
    .option(
      '--region <region...>',
      'regions the replicator serves; default every replica region in the configuration',
    )
    .option('--log-level <level>', 'debug | info | warn | error | silent')
    .action(
      async (options: {
        local?: boolean;
        demo: boolean;
        config?: string;
        services?: string;
        region?: string[];
        logLevel?: string;
      }) => {
        if (options.local && options.config) {
          io.err('up: choose --local or --config, not both');
          setExitCode(2);
        } else if (options.local) {
          setExitCode(
            await (
              await import('./commands/up-local')
            ).upLocalCommand({ logLevel: options.logLevel ?? 'warn', demo: options.demo }, io),
          );
        } else if (options.config) {
          setExitCode(
            await (
              await import('./commands/up-config')
            ).upConfigCommand(
              options.config,
              {
                ...(options.services ? { services: options.services } : {}),
                ...(options.region ? { region: options.region } : {}),
                ...(options.logLevel ? { logLevel: options.logLevel } : {}),
              },
              io,
            ),
          );
        } else {
          io.err('up: give --local (embedded demo) or --config FILE');
          setExitCode(2);
        }
      },
    );

  program
    .command('resync')
    .description(
      'ask for a reconcile now: everything, one vault (--vault) or one secret (--vault --secret)',
    )
    .option('--config <file>', 'publish on the bus this configuration names (NATS / Service Bus)')
    .option('--ingress <url>', 'or ask a running ingress over HTTP (POST /resync)')
    .option(
      '--token-env <variable>',
      'environment variable holding the ingress resync token',
      'AKV_REPLICATOR_RESYNC_TOKEN',
    )
    .option('--vault <name>', 'only this source vault')
    .option('--secret <name>', 'only this secret (needs --vault)')
    .option('--dry-run', 'diff and report, write nothing')
    .option(
      '--wait',
      'follow the resync on the bus with a progress bar, then print the per-object plan (dry run) or changes and a summary',
    )
    .option('--json', 'with --wait: print the per-object plan or results as JSON')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '3600')
    .action(async (options: ResyncOptions) =>
      setExitCode(await (await import('./commands/resync')).resyncCommand(options, io)),
    );

  program
    .command('status')
    .description(
      "per link and replica, what discovery's status endpoint says (exit 0 all in sync, 1 not in sync or rebuilding, 2 unreadable)",
    )
    .option(
      '--url <url>',
      'discovery status endpoint (status.*; up --local prints it), or AKV_REPLICATOR_STATUS_URL',
    )
    .option('--token-file <file>', 'file holding the status token (status.token)')
    .option(
      '--token-env <variable>',
      'environment variable holding the status token',
      'AKV_REPLICATOR_STATUS_TOKEN',
    )
    .option('--objects', 'also list the objects not in sync')
    .option('--search <text>', 'with --objects: only objects, vaults or links containing this')
    .option('--json', 'print JSON')
    .option('--live', 'diff the vault listings from here instead (needs --config; no discovery)')
    .option('--config <file>', 'configuration file: without --url, implies --live')
    .option('--link <name>', 'with --live: only this link')
    .action(async (options: StatusOptions) =>
      setExitCode(await (await import('./commands/status')).statusCommand(options, io)),
    );

  const failover = program
    .command('failover')
    .description('disaster recovery: plan, promote a replica, fail back (DR runbook in README)');
  failover
    .command('plan')
    .description(
      'what switching to the replica now would lose (exit 0 nothing, 1 something or unknown, 2 usage)',
    )
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--to <vault>', 'the replica vault to switch to')
    .option('--link <name>', 'the link, when the replica has several sources')
    .option(
      '--status-url <url>',
      "when the source does not answer: discovery's status endpoint, for the last status",
    )
    .option(
      '--status-token-env <variable>',
      'environment variable holding the status bearer token',
      'AKV_REPLICATOR_STATUS_TOKEN',
    )
    .option('--json', 'print JSON')
    .action(async (options: PlanOptions) =>
      setExitCode(
        await (
          await import('./commands/failover/failover-commands')
        ).failoverPlanCommand(options, io),
      ),
    );
  failover
    .command('promote')
    .description(
      'stop replicating from the source into the replica (ARM tags on it); exit 0 promoted, 1 refused, 2 usage',
    )
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--to <vault>', 'the replica vault to promote')
    .option('--link <name>', 'the link, when the replica has several sources')
    .option('--as-source', "the promoted vault becomes the source of the link's other replicas")
    .option('--json', 'print JSON')
    .action(async (options: FailoverOptions & { asSource?: boolean }) =>
      setExitCode(
        await (
          await import('./commands/failover/failover-commands')
        ).failoverPromoteCommand(options, io),
      ),
    );
  failover
    .command('failback')
    .description(
      'carry what changed in the promoted vault back into the original source, then resume (exit 0 done, 1 conflicts skipped or failures, 2 usage)',
    )
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--to <vault>', 'the original source vault')
    .option('--link <name>', 'the link, when several vaults are promoted from it')
    .option('--dry-run', 'print the drift-checked plan only')
    .option('--force', 'also overwrite objects written in the original source after the promotion')
    .option('--json', 'print JSON')
    .action(async (options: FailoverOptions & { dryRun?: boolean; force?: boolean }) =>
      setExitCode(
        await (
          await import('./commands/failover/failover-commands')
        ).failoverFailbackCommand(options, io),
      ),
    );

  program
    .command('manifests')
    .description(
      'print Kubernetes manifests for a configuration: a Deployment per service and per replica region (kubectl apply -f -)',
    )
    .requiredOption('--config <file>', 'configuration file (bus.transport nats or servicebus)')
    .option('--namespace <namespace>', 'namespace of the objects', 'akv-replicator')
    .option('--name <name>', 'prefix of object names and the app label', 'akv-replicator')
    .option(
      '--image-repository <repository>',
      'images are <repository>/<service>:<tag> (deploy/docker/Dockerfile targets)',
      'akv-replicator',
    )
    .option('--image-tag <tag>', 'image tag', 'latest')
    .option(
      '--region <region...>',
      'replica regions beyond those the configuration names (destinations from tags)',
    )
    .option('--ingress-replicas <count>', 'ingress pods', '2')
    .option(
      '--discovery-replicas <count>',
      'discovery pods (more than 1 needs discovery.leaderElection nats or kubernetes-lease)',
      '1',
    )
    .option(
      '--otlp-endpoint <url>',
      'OpenTelemetry collector (OTLP/HTTP) every pod sends traces to, e.g. http://otel-collector.observability:4318',
    )
    .action(async (options: ManifestsOptions) =>
      setExitCode(await (await import('./commands/manifests')).manifestsCommand(options, io)),
    );

  program
    .command('servicebus-topology')
    .description(
      "print the Service Bus topics, subscriptions and rules a configuration's services use, as the emulator's Config.json (for bus.serviceBus.topology: deployed)",
    )
    .requiredOption('--config <file>', 'configuration file')
    .option(
      '--region <region...>',
      'replica regions beyond those the configuration names (destinations from tags)',
    )
    .option('--namespace <name>', 'namespace name in the document', 'sbemulatorns')
    .action(async (options: ServiceBusTopologyOptions) =>
      setExitCode(
        await (
          await import('./commands/servicebus-topology')
        ).serviceBusTopologyCommand(options, io),
      ),
    );

  program
    .command('emulator')
    .description(
      'run the Key Vault + ARM + Event Grid emulator for your own tests; prints one JSON line when ready',
    )
    .allowUnknownOption()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      const signal = io.signal;
      const stopSignal = signal
        ? new Promise<void>((resolve) =>
            signal.aborted
              ? resolve()
              : signal.addEventListener('abort', () => resolve(), { once: true }),
          )
        : undefined;
      try {
        const { runEmulatorCli } = await import('@akv-replicator/keyvault-emulator');
        await runEmulatorCli(args, { write: io.out, ...(stopSignal ? { stopSignal } : {}) });
      } catch (error) {
        io.err(`emulator: ${(error as Error).message}`);
        setExitCode(2);
      }
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
    // --help and --version end here too, with exit code 0.
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
