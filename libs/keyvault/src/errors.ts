import { ReplicatorError } from '@akv-replicator/core';

/** The failures a worker acts on differently. */
export type VaultErrorKind =
  | 'not-found'
  | 'disabled'
  | 'deleted-recoverable'
  | 'being-deleted'
  | 'throttled'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'bad-request'
  | 'conflict';

/**
 * Retry later, not failure: throttling, an unreachable vault, and a name Key Vault is still
 * deleting or purging (soft delete and purge finish asynchronously, 409 meanwhile:
 * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
 */
const RETRYABLE: ReadonlySet<VaultErrorKind> = new Set([
  'throttled',
  'unavailable',
  'being-deleted',
]);

/** Why a 403 was refused, as far as known: who called, what it tried, which role it lacks. */
export interface PermissionProblem {
  /** The caller: client id / object id / tenant, or `unknown identity`. */
  readonly identity: string;
  /** The built-in role that allows the operation, e.g. `Key Vault Secrets Officer`. */
  readonly missingRole?: string | undefined;
  /** The refused data action as Key Vault names it, or our operation name. */
  readonly action?: string | undefined;
}

/**
 * A Key Vault failure translated at the adapter boundary. Carries the vault, object and the
 * service's code and status; never a value.
 */
export class VaultError extends ReplicatorError {
  override readonly name = 'VaultError';
  readonly kind: VaultErrorKind;
  readonly vault: string;
  readonly objectName: string | undefined;
  readonly status: number | undefined;
  /** Set on `forbidden`: the identity and the role it lacks. */
  readonly permission: PermissionProblem | undefined;

  constructor(
    kind: VaultErrorKind,
    message: string,
    details: {
      vault: string;
      objectName?: string;
      status?: number;
      serviceCode?: string;
      permission?: PermissionProblem;
      cause?: unknown;
    },
  ) {
    super(`${details.vault}${details.objectName ? `/${details.objectName}` : ''}: ${message}`, {
      code: details.serviceCode ?? kind,
      retryable: RETRYABLE.has(kind),
      fields: {
        vault: details.vault,
        objectName: details.objectName,
        status: details.status,
        kind,
        ...(details.permission
          ? {
              identity: details.permission.identity,
              missingRole: details.permission.missingRole,
              action: details.permission.action,
            }
          : {}),
      },
      cause: details.cause,
    });
    this.kind = kind;
    this.vault = details.vault;
    this.objectName = details.objectName;
    this.status = details.status;
    this.permission = details.permission;
  }
}

export function isVaultError(error: unknown, kind?: VaultErrorKind): error is VaultError {
  return error instanceof VaultError && (kind === undefined || error.kind === kind);
}
