import type { SecretClientOptions } from '@azure/keyvault-secrets';
import type { VaultPacer } from './vault-pacer';

type ClientPolicy = NonNullable<SecretClientOptions['additionalPolicies']>[number];

/**
 * Counts the Key Vault SDK's authentication challenges against the vault's pacer. A client
 * authenticates by challenge: it sends a request without token or body, gets 401 with
 * WWW-Authenticate, then sends the request again with a token; every request it starts before
 * it has that token goes the same way (@azure/keyvault-common, keyVaultAuthenticationPolicy).
 * The vault sees both, the pacer admitted one. Measured on the emulator: 16 concurrent first
 * requests on a fresh client, 16 challenges; in a full resync, one per client and vault.
 *
 * Runs per retry, after the authentication policy, so it sees each request as it is sent: one
 * without an Authorization header is a challenge.
 */
export function challengeMeter(pacer: VaultPacer): ClientPolicy {
  return {
    position: 'perRetry',
    policy: {
      name: 'akvReplicatorChallengeMeter',
      sendRequest: (request, next) => {
        if (!request.headers.has('authorization')) pacer.charge();
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
