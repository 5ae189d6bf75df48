import { VaultError, type VaultErrorKind } from '../errors';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: { error?: { code?: string; innererror?: { code?: string } } };
}

/**
 * Maps an Azure SDK RestError to a VaultError by status and Key Vault's error codes. The
 * service message is kept (it names objects, never values); anything unknown stays generic.
 */
export function translateError(error: unknown, vault: string, objectName?: string): VaultError {
  if (error instanceof VaultError) return error;
  const rest = (error ?? {}) as RestErrorLike;
  const status = rest.statusCode;
  const inner = rest.details?.error?.innererror?.code;
  const code = rest.code ?? rest.details?.error?.code;
  const kind = kindOf(status, code, inner, rest);
  const message = (rest.message ?? String(error)).split('\n')[0] ?? 'request failed';
  return new VaultError(kind, message, {
    vault,
    ...(objectName ? { objectName } : {}),
    ...(status ? { status } : {}),
    serviceCode: inner ?? code ?? kind,
    cause: error,
  });
}

function kindOf(
  status: number | undefined,
  code: string | undefined,
  inner: string | undefined,
  error: RestErrorLike,
): VaultErrorKind {
  if (status === 429 || code === 'Throttled') return 'throttled';
  if (status === 404) return 'not-found';
  if (
    status === 409 &&
    (inner === 'ObjectIsDeletedButRecoverable' ||
      /deleted but recoverable/i.test(error.message ?? ''))
  )
    return 'deleted-recoverable';
  if (status === 409) return 'conflict';
  if (status === 403 && (inner === 'SecretDisabled' || /disabled/i.test(error.message ?? '')))
    return 'disabled';
  if (status === 403) return 'forbidden';
  if (status === 401) return 'unauthorized';
  if (status === 400) return 'bad-request';
  // 5xx, timeouts and refused/reset connections: the vault or its region is unavailable.
  return 'unavailable';
}
