import { errors } from '../errors';
import type { RequestGuard } from '../http/https-app';
import type { VaultIdentity } from '../vault-context';
import { bearerTokenOf, type TokenPolicy } from './token-check';

/** The audience Key Vault names in its challenge; the SDK asks for `${resource}/.default`. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
export const AUTHORITY_HOST = 'https://login.microsoftonline.com';

/**
 * Key Vault's challenge-based auth: no token → 401 + `WWW-Authenticate` naming the vault's
 * tenant, which is how the SDK learns which tenant to get a token for.
 */
export function vaultAuthGuard(vault: VaultIdentity, policy: TokenPolicy): RequestGuard {
  const authorizationUri = `${AUTHORITY_HOST}/${vault.tenantId}`;
  return (request) => {
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) throw errors.missingToken(authorizationUri, KEY_VAULT_RESOURCE);
    if (!policy.accepts(token, vault.tenantId))
      throw errors.invalidToken(authorizationUri, KEY_VAULT_RESOURCE);
    return 'continue';
  };
}

const API_VERSION = /^(7\.\d+(-preview(\.\d+)?)?|\d{4}-\d{2}-\d{2}(-preview(\.\d+)?)?)$/;

/** Key Vault answers 400 to requests without a supported `api-version`. */
export const apiVersionGuard: RequestGuard = (request) => {
  const version = (request.query as Record<string, string | undefined>)['api-version'];
  if (version === undefined || !API_VERSION.test(version)) throw errors.missingApiVersion();
  return 'continue';
};
