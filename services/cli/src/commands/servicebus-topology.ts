import { ConfigError, isReplicatorError, loadConfigFile } from '@akv-replicator/core';
import { emulatorTopologyFor } from '@akv-replicator/bus-servicebus';
import type { CliIo } from '../io';
import { declaredTopology } from '@akv-replicator/runtime';

export interface ServiceBusTopologyOptions {
  readonly config: string;
  readonly region?: readonly string[];
  readonly namespace: string;
}

/**
 * `servicebus-topology --config FILE`: the topics, subscriptions and rules this configuration's
 * services use, as the Service Bus emulator's Config.json — for the official emulator (which
 * cannot create entities at run time), for `bus.serviceBus.topology: deployed`, and as the
 * entity list a Bicep template must hold. Exit 0, or 1 with the reason.
 */
export async function serviceBusTopologyCommand(
  options: ServiceBusTopologyOptions,
  io: CliIo,
): Promise<number> {
  try {
    const loaded = await loadConfigFile(options.config, { env: io.env });
    const document = await emulatorTopologyFor(
      declaredTopology(loaded, options.region ?? []),
      {},
      options.namespace,
    );
    io.out(JSON.stringify(document, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${options.config}: invalid`);
      for (const issue of error.issues) io.err(`  ${issue.path || '(root)'}: ${issue.message}`);
      return 1;
    }
    if (isReplicatorError(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`servicebus-topology: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}
