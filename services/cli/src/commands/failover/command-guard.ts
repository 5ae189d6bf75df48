import { ConfigError, isReplicatorError } from '@akv-replicator/core';
import type { CliIo } from '../../io';
import { FailoverRefusal } from './failover-context';

/** What `failover …` exits with: a refusal's own code, 2 for configuration, 1 for Azure errors. */
export async function guard(name: string, io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FailoverRefusal) {
      io.err(`${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError || isReplicatorError(error)) {
      io.err(`${name}: ${error.message}`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  }
}

/** Unix seconds as ISO 8601, or `never`. */
export const iso = (seconds: number | undefined) =>
  seconds === undefined ? 'never' : new Date(seconds * 1000).toISOString();
