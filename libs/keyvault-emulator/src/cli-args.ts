import { readFile } from 'node:fs/promises';
import type { EmulatorOptions, VaultSpec } from './emulator-options';

/** Usage text of the emulator CLI. */
export const EMULATOR_USAGE = `Usage: akv-keyvault-emulator --vault NAME[@REGION] [--vault …] [--config FILE]
                            [--port-base N] [--host ADDR] [--public-host NAME]
                            [--strict-auth TOKEN] [--state-dir DIR] [--no-throttling]
                            [--lifecycle-delay-ms MS]

Starts an Azure Key Vault + ARM + Event Grid emulator on 127.0.0.1 (HTTPS, own CA) and prints
one JSON line when ready: {"vaults":{NAME:URL},"arm":URL,"caFile":PATH,"tenantId":…,"subscriptionId":…}.
Runs until SIGINT/SIGTERM.

  --vault NAME[@REGION]  a vault to start (repeatable); REGION defaults to westeurope
  --config FILE          JSON file with startEmulator() options (vaults, tenantId, subscriptionId,
                         resourceGroup, throttling, strictAuth, portBase); flags add to / override it
  --port-base N          ARM on port N, vaults on N+1, N+2, …  (default: free ports)
  --host ADDR            listen address (default 127.0.0.1; 0.0.0.0 for a container network)
  --public-host NAME     host name clients use: in every URL printed and in the TLS certificate
                         (default: --host, or 127.0.0.1 when --host is 0.0.0.0)
  --strict-auth TOKEN    accept only this bearer token (repeatable)
  --state-dir DIR        write ca.pem here instead of a temporary directory
  --no-throttling        turn Key Vault's request limits off
  --lifecycle-delay-ms MS how long delete, recover and purge take to finish (default 2000; 0 = at once)`;

/** Raised for a bad command line; the message is meant for the user. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly retryable = false;
}

function parseVault(value: string): VaultSpec {
  const [name, region] = value.split('@');
  if (!name) throw new CliUsageError(`--vault needs NAME[@REGION] (got "${value}")`);
  return region ? { name, region } : { name };
}

/** Parses the CLI arguments (and the --config file) into emulator options. */
export async function parseEmulatorArgs(argv: readonly string[]): Promise<EmulatorOptions> {
  const vaults: VaultSpec[] = [];
  const tokens: string[] = [];
  let configFile: string | undefined;
  let portBase: number | undefined;
  let stateDir: string | undefined;
  let host: string | undefined;
  let publicHost: string | undefined;
  let throttlingOff = false;
  let lifecycleDelayMs: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new CliUsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--vault':
        vaults.push(parseVault(value()));
        break;
      case '--config':
        configFile = value();
        break;
      case '--port-base': {
        const raw = value();
        portBase = Number(raw);
        if (!Number.isInteger(portBase))
          throw new CliUsageError(`--port-base must be an integer (got "${raw}")`);
        break;
      }
      case '--host':
        host = value();
        break;
      case '--public-host':
        publicHost = value();
        break;
      case '--strict-auth':
        tokens.push(value());
        break;
      case '--state-dir':
        stateDir = value();
        break;
      case '--no-throttling':
        throttlingOff = true;
        break;
      case '--lifecycle-delay-ms': {
        const raw = value();
        lifecycleDelayMs = Number(raw);
        if (!(Number.isInteger(lifecycleDelayMs) && lifecycleDelayMs >= 0))
          throw new CliUsageError(`--lifecycle-delay-ms must be an integer >= 0 (got "${raw}")`);
        break;
      }
      default:
        throw new CliUsageError(`unknown argument "${flag}"\n\n${EMULATOR_USAGE}`);
    }
  }
  let config: EmulatorOptions = {};
  if (configFile) {
    try {
      config = JSON.parse(await readFile(configFile, 'utf8')) as EmulatorOptions;
    } catch (cause) {
      throw new CliUsageError(`cannot read --config ${configFile}: ${(cause as Error).message}`);
    }
  }
  const allVaults = [...(config.vaults ?? []), ...vaults];
  if (allVaults.length === 0)
    throw new CliUsageError(
      `at least one --vault (or vaults in --config) is required\n\n${EMULATOR_USAGE}`,
    );
  return {
    ...config,
    vaults: allVaults,
    ...(portBase === undefined ? {} : { portBase }),
    ...(stateDir === undefined ? {} : { stateDir }),
    ...(host === undefined ? {} : { host }),
    ...(publicHost === undefined ? {} : { publicHost }),
    ...(tokens.length > 0
      ? {
          strictAuth: {
            ...config.strictAuth,
            tokens: [...(config.strictAuth?.tokens ?? []), ...tokens],
          },
        }
      : {}),
    ...(throttlingOff ? { throttling: { ...config.throttling, enabled: false } } : {}),
    ...(lifecycleDelayMs === undefined ? {} : { lifecycleDelayMs }),
  };
}
