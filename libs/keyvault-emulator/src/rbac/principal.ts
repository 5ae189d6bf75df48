/**
 * Who a bearer token belongs to, as Key Vault's RBAC sees it: the `oid` claim of an Entra ID
 * access token (else `sub`). The emulator never verifies signatures; a token that is not a JWT
 * (e.g. `new StaticTokenCredential('my-principal-id')`) is its own principal id, so tests can
 * name identities without minting JWTs.
 */
export function principalOf(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {
        oid?: unknown;
        sub?: unknown;
      };
      const id = typeof claims.oid === 'string' ? claims.oid : claims.sub;
      if (typeof id === 'string' && id !== '') return id;
    } catch {
      // Not a JWT after all: fall through to the token itself.
    }
  }
  return token;
}
