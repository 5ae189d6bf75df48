import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { recordKeyVaultRequest } from '@akv-replicator/core';
import type { VaultPacer } from './vault-pacer';

type ClientPolicy = NonNullable<SecretClientOptions['additionalPolicies']>[number];

/**
 * Counts against the vault's pacer the transactions the Key Vault SDK sends beside the one the
 * pacer admitted for a call:
 *
 * - Authentication challenges. A client authenticates by challenge: it sends a request without
 *   token or body, gets 401 with WWW-Authenticate, then sends the request again with a token;
 *   every request it starts before it has that token goes the same way (@azure/keyvault-common,
 *   keyVaultAuthenticationPolicy). Measured on the emulator: 16 concurrent first requests on a
 *   fresh client, 16 challenges; in a full resync, one per client and vault.
 * - The SDK's own retries: the pipeline's retry policy sends the same request again after a 5xx,
 *   a 408, a dropped connection or a 429 with Retry-After (@azure/core-rest-pipeline,
 *   defaultRetryPolicy, 3 retries), and a token refused later is answered with a new one. Each
 *   is a transaction the vault counts, so a vault answering 503s would otherwise see up to four
 *   times the rate its share allows.
 *
 * Runs per retry, after the authentication policy, so it sees each request as it is sent: one
 * without an Authorization header is a challenge; one that was already sent with a token is a
 * re-send. The first authorized send is the one the pacer admitted.
 */
export function challengeMeter(pacer: VaultPacer): ClientPolicy {
  /** Requests sent with a token, and the status of their last send (undefined: no response). */
  const lastStatus = new WeakMap<object, number | undefined>();
  return {
    position: 'perRetry',
    policy: {
      name: 'akvReplicatorChallengeMeter',
      sendRequest: async (request, next) => {
        if (!request.headers.has('authorization')) {
          pacer.charge();
          return next(request);
        }
        if (lastStatus.has(request)) {
          pacer.charge();
          // The pacer records how the call ended; the sends the SDK retried are recorded here,
          // so akvr_keyvault_requests_total shows every 503 a vault answered, not one per call.
          recordKeyVaultRequest(pacer.vault, lastStatus.get(request));
        }
        try {
          const response = await next(request);
          lastStatus.set(request, response.status);
          return response;
        } catch (error) {
          lastStatus.set(request, responseStatusOf(error));
          throw error;
        }
      },
    },
  };
}

/** The status of the response a pipeline error carries (RestError), if it got one. */
function responseStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Client options whose SDK client counts its challenges and its own retries against `pacer`. */
export function meteredClientOptions<Options extends SecretClientOptions>(
  options: Options | undefined,
  pacer: VaultPacer,
): Options {
  return {
    ...(options ?? ({} as Options)),
    additionalPolicies: [...(options?.additionalPolicies ?? []), challengeMeter(pacer)],
  };
}
