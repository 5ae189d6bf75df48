/**
 * What is known about the identity a store calls Key Vault with: from the credential
 * configuration (client id, tenant) and, when Key Vault names the caller in a 403, from there.
 * Only identifiers — never a secret or a token.
 */
export interface IdentityHint {
  /** Application (client) id. */
  readonly clientId?: string | undefined;
  /** Object (principal) id. */
  readonly objectId?: string | undefined;
  readonly tenantId?: string | undefined;
}

/** `appid=…, oid=…, tenant …`, or `unknown identity` when nothing is known. */
export function describeIdentity(identity: IdentityHint | undefined): string {
  const parts = [
    identity?.clientId ? `appid=${identity.clientId}` : undefined,
    identity?.objectId ? `oid=${identity.objectId}` : undefined,
    identity?.tenantId ? `tenant ${identity.tenantId}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : 'unknown identity';
}

/**
 * Key Vault's RBAC 403 names the caller and the refused action in its message, one per line
 * (`Caller: appid=…;oid=…;iss=https://sts.windows.net/<tenant>/`, `Action: '…'`), as in
 * https://learn.microsoft.com/azure/key-vault/general/rbac-guide (troubleshooting) and
 * https://learn.microsoft.com/azure/key-vault/general/common-error-codes (Forbidden).
 */
export function parseForbiddenMessage(message: string): {
  caller: IdentityHint | undefined;
  action: string | undefined;
} {
  const callerLine = /Caller:\s*([^\r\n]*)/i.exec(message)?.[1];
  const action = /Action:\s*'?([^'\r\n]+)'?/i.exec(message)?.[1]?.trim();
  if (!callerLine) return { caller: undefined, action };
  const field = (key: string) =>
    new RegExp(`(?:^|[;\\s])${key}=([^;\\s]+)`, 'i').exec(callerLine)?.[1];
  const issuer = field('iss');
  const tenantId = issuer ? /\/([0-9a-f-]{36})\/?/i.exec(issuer)?.[1] : undefined;
  const caller: IdentityHint = {
    ...(field('appid') ? { clientId: field('appid') } : {}),
    ...(field('oid') ? { objectId: field('oid') } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
  return { caller: Object.keys(caller).length > 0 ? caller : undefined, action };
}
