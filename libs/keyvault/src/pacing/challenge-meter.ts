import type { SecretClientOptions } from '@azure/keyvault-secrets';
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
  const sentWithToken = new WeakSet<object>();
  return {
    position: 'perRetry',
    policy: {
      name: 'akvReplicatorChallengeMeter',
      sendRequest: (request, next) => {
        const admitted = request.headers.has('authorization') && !sentWithToken.has(request);
        if (admitted) sentWithToken.add(request);
        else pacer.charge();
        return next(request);
      },
    },
  };
}

/** Client options whose SDK client counts its challenges against `pacer`. */
export function meteredClientOptions<Options extends SecretClientOptions>(
  options: Options | undefined,
  pacer: VaultPacer,
): Options {
  return {
    ...(options ?? ({} as Options)),
    additionalPolicies: [...(options?.additionalPolicies ?? []), challengeMeter(pacer)],
  };
}
