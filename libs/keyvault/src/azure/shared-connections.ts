import { Agent } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { SecretClientOptions } from '@azure/keyvault-secrets';

/**
 * How long a kept-alive connection to a vault may sit idle before it is closed. Workers use
 * their vaults' connections continuously; discovery touches each vault once per reconcile
 * (minutes apart), and hundreds of idle TLS connections held that long cost it about 150 KB of
 * memory each, outside the heap (issue #21: 209 MiB over 800 vaults).
 */
export const IDLE_CONNECTION_MS = 15_000;

/**
 * TLS sessions kept for resumption, one per vault host: a connection closed while idle reopens
 * with an abbreviated handshake. Node's default (100) is fewer than a large topology's vaults.
 */
export const CACHED_TLS_SESSIONS = 2048;

type TlsOptions = NonNullable<SecretClientOptions['tlsOptions']>;

const agents = new Map<string, Agent>();

/**
 * One HTTPS agent per process (per trust configuration) for every Key Vault client, instead of
 * the agent the SDK builds for itself. Profiling the many-vaults resync (issue #21) found about
 * a tenth of the services' busy CPU in building a TLS context for each new connection: the SDK's
 * agent hands its `tlsOptions` to every `tls.connect`, which compiles them into a fresh context
 * (the CA parsed again) each time. This agent compiles them once, shares TLS sessions across
 * clients, and closes connections idle for `idleMs`.
 */
export function sharedAgent(tls: TlsOptions | undefined, idleMs = IDLE_CONNECTION_MS): Agent {
  const key = JSON.stringify([tls ?? null, idleMs]);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      keepAlive: true,
      // Idle (free) sockets are closed after this; a request in flight is not cut short.
      timeout: idleMs,
      maxCachedSessions: CACHED_TLS_SESSIONS,
      secureContext: secureContextOf(tls),
    });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Client options whose requests go through the shared agent (see `sharedAgent`); a caller's
 * own per-request agent is left alone.
 */
export function sharedConnectionOptions<Options extends SecretClientOptions>(
  options: Options | undefined,
  idleMs = IDLE_CONNECTION_MS,
): Options {
  const agent = sharedAgent(options?.tlsOptions, idleMs);
  const policy: PipelinePolicy = {
    name: 'akvSharedConnections',
    sendRequest: (request, next) => {
      request.agent ??= agent;
      return next(request);
    },
  };
  return {
    ...(options ?? ({} as Options)),
    additionalPolicies: [...(options?.additionalPolicies ?? []), { policy, position: 'perCall' }],
  };
}

function secureContextOf(tls: TlsOptions | undefined): SecureContext {
  const { ca, cert, key, pfx, passphrase } = tls ?? {};
  return createSecureContext({
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(pfx !== undefined ? { pfx } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
}
