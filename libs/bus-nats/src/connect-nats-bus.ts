import { credsAuthenticator } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BusError } from '@akv-replicator/bus';
import { NatsBus } from './nats-bus';
import type { NatsBusOptions } from './nats-options';
import { DEFAULT_DEAD_LETTER_MAX_AGE_MS, resolveNatsBusOptions } from './nats-options';
import { ensureDeadLetterStream } from './nats-topology';

/**
 * JetStream API calls (stream/consumer management) give up after this; callers retry. Short, so
 * a request lost in a dying connection is retried soon after the broker is back.
 */
export const NATS_API_TIMEOUT_MS = 2_000;

/**
 * Connects to NATS and returns a bus on JetStream. The connection reconnects forever (a
 * restarted broker is picked up again); the dead-letter stream is created here, topic streams
 * on first use or with `ensureTopic`.
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const resolved = resolveNatsBusOptions(options);
  let connection;
  try {
    connection = await connect({
      servers: [...resolved.servers],
      name: options.name ?? 'akv-replicator',
      maxReconnectAttempts: -1,
      // Capturing a stack per request costs ~20% of CPU at bus rates (profiled).
      noAsyncTraces: true,
      reconnectTimeWait: resolved.reconnectWaitMs,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.credentials !== undefined
        ? { authenticator: credsAuthenticator(options.credentials) }
        : {}),
    });
  } catch (error) {
    throw new BusError(`cannot connect to NATS at ${resolved.servers.join(', ')}`, {
      code: 'BusUnavailable',
      retryable: true,
      cause: error,
    });
  }
  try {
    const jsm = await jetstreamManager(connection, { timeout: NATS_API_TIMEOUT_MS });
    await ensureDeadLetterStream(jsm, resolved.prefix, {
      dedupWindowMs: resolved.dedupWindowMs,
      maxAgeMs: Math.max(resolved.maxAgeMs, DEFAULT_DEAD_LETTER_MAX_AGE_MS),
    });
    return new NatsBus(
      connection,
      jetstream(connection, { timeout: NATS_API_TIMEOUT_MS }),
      jsm,
      resolved,
      true,
    );
  } catch (error) {
    await connection.close();
    throw new BusError('JetStream is not available on the NATS server (start it with -js)', {
      code: 'BusUnavailable',
      retryable: true,
      cause: error,
    });
  }
}
