import { VaultError, type PermissionProblem, type VaultErrorKind } from '../errors';
import {
  describeIdentity,
  parseForbiddenMessage,
  type IdentityHint,
} from '../permissions/identity';
import { requiredRole, type VaultOperation } from '../permissions/required-role';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: {
    error?: { code?: string; innererror?: { code?: string }; innerError?: { code?: string } };
  };
}

/** What the caller knows that the service's error does not say. */
export interface TranslateContext {
  /** The operation that failed: names the role a 403 lacks. */
  readonly operation?: VaultOperation | undefined;
  /** The identity the store calls with (client id, tenant from the credential configuration). */
  readonly identity?: IdentityHint | undefined;
}

/**
 * Key Vault's 409 while a delete, purge or recover of the name is still in progress
 * (`innererror.code` ObjectIsBeingDeleted / ObjectIsBeingRecovered, "… is currently being
 * deleted."): soft delete and purge complete asynchronously
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview), so this is
 * retry-later. Matched by code and, for older API versions without an inner code, by message.
 */
const IN_TRANSITION_CODES = new Set(['ObjectIsBeingDeleted', 'ObjectIsBeingRecovered']);
const IN_TRANSITION_MESSAGE = /currently being (deleted|purged|recovered)/i;

/**
 * Maps an Azure SDK RestError to a VaultError by status and Key Vault's error codes. The
 * service message is kept (it names objects, never values); anything unknown stays generic.
 * A 403 other than a disabled object becomes `forbidden` with the identity and the role it
 * lacks (https://learn.microsoft.com/azure/key-vault/general/common-error-codes, Forbidden).
 */
export function translateError(
  error: unknown,
  vault: string,
  objectName?: string,
  context: TranslateContext = {},
): VaultError {
  if (error instanceof VaultError) return error;
  const rest = (error ?? {}) as RestErrorLike;
  const status = rest.statusCode;
  // The Key Vault SDKs deserialize the wire's `innererror` as `innerError`.
  const inner = rest.details?.error?.innerError?.code ?? rest.details?.error?.innererror?.code;
  const code = rest.code ?? rest.details?.error?.code;
  const fullMessage = rest.message ?? String(error);
  const kind = kindOf(status, code, inner, fullMessage);
  const serviceMessage = fullMessage.split(/\r?\n/)[0] ?? 'request failed';
  const permission = kind === 'forbidden' ? permissionProblem(fullMessage, context) : undefined;
  const message = permission
    ? permissionMessage(vault, permission, serviceMessage)
    : serviceMessage;
  return new VaultError(kind, message, {
    vault,
    ...(objectName ? { objectName } : {}),
    ...(status ? { status } : {}),
    serviceCode: inner ?? code ?? kind,
    ...(permission ? { permission } : {}),
    cause: error,
  });
}

/** `forbidden` for an operation: the message names the vault, the identity and the role. */
export function permissionMessage(
  vault: string,
  permission: PermissionProblem,
  serviceMessage: string,
): string {
  const role = permission.missingRole
    ? `it needs the ${permission.missingRole} role on vault ${vault}`
    : `it lacks a role on vault ${vault}`;
  const action = permission.action ? ` for ${permission.action}` : '';
  return `permission denied${action}: identity ${permission.identity} is not authorized; ${role} (Key Vault: ${serviceMessage})`;
}

function permissionProblem(message: string, context: TranslateContext): PermissionProblem {
  const parsed = parseForbiddenMessage(message);
  // What Key Vault says about the caller wins; the configuration fills in the rest.
  const identity = { ...context.identity, ...parsed.caller };
  return {
    identity: describeIdentity(identity),
    missingRole: context.operation ? requiredRole(context.operation).name : undefined,
    action: parsed.action ?? context.operation,
  };
}

function kindOf(
  status: number | undefined,
  code: string | undefined,
  inner: string | undefined,
  message: string,
): VaultErrorKind {
  if (status === 429 || code === 'Throttled') return 'throttled';
  if (status === 404) return 'not-found';
  if (status === 409) {
    if (inner === 'ObjectIsDeletedButRecoverable' || /deleted but recoverable/i.test(message))
      return 'deleted-recoverable';
    if ((inner && IN_TRANSITION_CODES.has(inner)) || IN_TRANSITION_MESSAGE.test(message))
      return 'being-deleted';
    return 'conflict';
  }
  if (status === 403) {
    // A disabled object answers 403 with inner code SecretDisabled/CertificateDisabled.
    if (inner?.endsWith('Disabled') || /not allowed on a disabled/i.test(message))
      return 'disabled';
    return 'forbidden';
  }
  if (status === 401) return 'unauthorized';
  if (status === 400) return 'bad-request';
  // 5xx, timeouts and refused/reset connections: the vault or its region is unavailable.
  return 'unavailable';
}
