import { ReplicatorError } from '@akv-replicator/core';

/** The failures a worker acts on differently. */
export type VaultErrorKind =
  | 'not-found'
  | 'disabled'
  | 'deleted-recoverable'
  | 'throttled'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'bad-request'
  | 'conflict';

const RETRYABLE: ReadonlySet<VaultErrorKind> = new Set(['throttled', 'unavailable']);

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

  constructor(
    kind: VaultErrorKind,
    message: string,
    details: {
      vault: string;
      objectName?: string;
      status?: number;
      serviceCode?: string;
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
      },
      cause: details.cause,
    });
    this.kind = kind;
    this.vault = details.vault;
    this.objectName = details.objectName;
    this.status = details.status;
  }
}

export function isVaultError(error: unknown, kind?: VaultErrorKind): error is VaultError {
  return error instanceof VaultError && (kind === undefined || error.kind === kind);
}
