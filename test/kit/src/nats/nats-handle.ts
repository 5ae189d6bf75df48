/** A NATS server a test can use, and — when the kit started it — crash and bring back. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** Where it came from: the NATS_URL variable, a spawned nats-server, or a container. */
  readonly origin: 'env' | 'process' | 'container';
  /** False for NATS_URL servers: kill() and restart() then throw NatsControlUnavailableError. */
  readonly controllable: boolean;
  /** Graceful stop; removes the temporary store. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL: no flush, no goodbye, like a crashed node. */
  kill(): Promise<void>;
  /** Start again on the same port with the same store (after kill() or stop()). */
  restart(): Promise<void>;
}

/** kill()/restart() on a server the kit does not own (NATS_URL). */
export class NatsControlUnavailableError extends Error {
  override readonly name = 'NatsControlUnavailableError';
  constructor(operation: string) {
    super(
      `cannot ${operation} the NATS server from NATS_URL: the test kit does not own it (unset NATS_URL to let it spawn one)`,
    );
  }
}

/** No way to get a NATS server: says how to install one. */
export class NatsUnavailableError extends Error {
  override readonly name = 'NatsUnavailableError';
  constructor(cause?: unknown) {
    super(
      'no NATS server available for integration tests: set NATS_URL, or install nats-server ' +
        '(Debian/Ubuntu: `apt-get install -y nats-server`; or https://github.com/nats-io/nats-server/releases), ' +
        'or run a Docker engine so Testcontainers can start `nats:2`',
      cause === undefined ? undefined : { cause },
    );
  }
}
