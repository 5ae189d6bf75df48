import type { NatsServer } from './nats-handle';
import { NatsControlUnavailableError, NatsUnavailableError } from './nats-handle';
import { dockerLikelyAvailable, startNatsContainer } from './nats-container';
import {
  DEFAULT_NATS_START_TIMEOUT_MS,
  findNatsServerBinary,
  natsServerCandidates,
  spawnNatsServer,
} from './nats-process';

export interface StartNatsOptions {
  /** Environment to read NATS_URL, PATH and DOCKER_HOST from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default DEFAULT_NATS_START_TIMEOUT_MS. */
  readonly startTimeoutMs?: number;
  /** Paths tried for the nats-server binary. Default: /usr/sbin/nats-server, then PATH. */
  readonly binaryCandidates?: readonly string[];
}

/**
 * A NATS server with JetStream for integration tests. Resolution order: NATS_URL (used as
 * is; kill/restart unavailable), else spawn nats-server (/usr/sbin or PATH) on a free port
 * with a temporary store, else Testcontainers `nats:2` when a Docker engine exists, else
 * NatsUnavailableError with install instructions. Never the shared server on port 4222.
 */
export async function startNats(options: StartNatsOptions = {}): Promise<NatsServer> {
  const env = options.env ?? process.env;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_NATS_START_TIMEOUT_MS;
  const fromEnv = env['NATS_URL'];
  if (fromEnv) {
    return {
      url: fromEnv,
      origin: 'env',
      controllable: false,
      stop: () => Promise.resolve(),
      kill: () => Promise.reject(new NatsControlUnavailableError('kill')),
      restart: () => Promise.reject(new NatsControlUnavailableError('restart')),
    };
  }
  const binary = findNatsServerBinary(
    options.binaryCandidates ?? natsServerCandidates(env['PATH']),
  );
  if (binary) return spawnNatsServer(binary, startTimeoutMs);
  if (dockerLikelyAvailable(env)) {
    try {
      return await startNatsContainer(startTimeoutMs);
    } catch (error) {
      throw new NatsUnavailableError(error);
    }
  }
  throw new NatsUnavailableError();
}
