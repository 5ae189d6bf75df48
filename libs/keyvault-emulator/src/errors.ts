/**
 * The one error type of the emulator. Handlers throw it; the HTTP layer renders it as Key
 * Vault / ARM do: `{"error":{"code","message","innererror"?}}` with the status code.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  /** HTTP status sent to the client. */
  readonly statusCode: number;
  /** The service error code, e.g. `SecretNotFound`. */
  readonly code: string;
  /** `innererror.code`, when the real service sends one. */
  readonly innerCode: string | undefined;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether a client retrying the same request could succeed. */
  readonly retryable: boolean;

  constructor(options: {
    statusCode: number;
    code: string;
    message: string;
    innerCode?: string;
    headers?: Record<string, string>;
    retryable?: boolean;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.statusCode = options.statusCode;
    this.code = options.code;
    this.innerCode = options.innerCode;
    this.headers = options.headers ?? {};
    this.retryable = options.retryable ?? options.statusCode >= 500;
  }

  /** The JSON body Key Vault sends with this error. */
  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    const error: { code: string; message: string; innererror?: { code: string } } = {
      code: this.code,
      message: this.message,
    };
    if (this.innerCode) error.innererror = { code: this.innerCode };
    return { error };
  }
}

/** Narrows an unknown to {@link ServiceError}. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

const RECOVER_HINT =
  'If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

export type ObjectKind = 'secret' | 'certificate' | 'key';
const titleOf = (kind: ObjectKind): string => kind[0]!.toUpperCase() + kind.slice(1);
const notFoundCode = (kind: ObjectKind): string => `${titleOf(kind)}NotFound`;

/** Factories, one per error the real services return (codes and messages copied from them). */
export const errors = {
  missingToken: (authorizationUri: string, resource: string): ServiceError =>
    new ServiceError({
      statusCode: 401,
      code: 'Unauthorized',
      message: 'AKV10000: Request is missing a Bearer or PoP token.',
      headers: {
        'www-authenticate': `Bearer authorization="${authorizationUri}", resource="${resource}"`,
      },
    }),
  invalidToken: (authorizationUri: string, resource: string): ServiceError =>
    new ServiceError({
      statusCode: 401,
      code: 'Unauthorized',
      message: 'AKV10032: Invalid issuer. The token was not accepted by this vault.',
      headers: {
        'www-authenticate': `Bearer authorization="${authorizationUri}", resource="${resource}"`,
      },
    }),
  armMissingToken: (): ServiceError =>
    new ServiceError({
      statusCode: 401,
      code: 'AuthenticationFailed',
      message: "Authentication failed. The 'Authorization' header is missing.",
    }),
  armInvalidToken: (): ServiceError =>
    new ServiceError({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
      message: 'The access token is invalid.',
    }),
  objectNotFound: (kind: ObjectKind, name: string, version?: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: notFoundCode(kind),
      message: `A ${kind} with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. ${RECOVER_HINT.replace('secret', kind)}`,
    }),
  deletedObjectNotFound: (kind: ObjectKind, name: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: notFoundCode(kind),
      message: `Deleted ${titleOf(kind)} not found: ${name}`,
    }),
  deletedButRecoverable: (kind: ObjectKind, name: string): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'Conflict',
      innerCode: 'ObjectIsDeletedButRecoverable',
      message: `${titleOf(kind)} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${kind} can only be recovered or purged.`,
    }),
  beingDeleted: (kind: ObjectKind, name: string, options: { recreate: boolean }): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'Conflict',
      innerCode: 'ObjectIsBeingDeleted',
      message: options.recreate
        ? `${titleOf(kind)} ${name} is currently being deleted and cannot be re-created; retry later.`
        : `${titleOf(kind)} is currently being deleted.`,
      retryable: true,
    }),
  beingRecovered: (kind: ObjectKind, name: string): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'Conflict',
      innerCode: 'ObjectIsBeingRecovered',
      message: `${titleOf(kind)} ${name} is currently being recovered.`,
      retryable: true,
    }),
  alreadyExists: (kind: ObjectKind, name: string): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'Conflict',
      message: `${titleOf(kind)} ${name} already exists.`,
    }),
  /**
   * Setting or deleting a certificate's backing secret is refused with 403 Forbidden: the
   * "addressable key and secret" of a certificate are managed by Key Vault
   * (https://learn.microsoft.com/azure/key-vault/certificates/about-certificates#composition-of-a-certificate).
   * The service's wording is not documented; the status and code are what clients see.
   */
  managedByCertificate: (name: string, operation: 'set' | 'delete'): ServiceError =>
    new ServiceError({
      statusCode: 403,
      code: 'Forbidden',
      message: `Operation ${operation} is not allowed on secret ${name}: it is managed by a certificate; use the certificate operations.`,
    }),
  /**
   * Key Vault's RBAC refusal, shaped as the service sends it (403 `Forbidden`, inner
   * `ForbiddenByRbac`, the caller, data action, resource and vault in the message); see
   * https://learn.microsoft.com/azure/key-vault/general/rbac-guide#troubleshooting.
   */
  forbiddenByRbac: (details: {
    principalId: string;
    tenantId: string;
    action: string;
    resource: string;
    vault: string;
    region: string;
  }): ServiceError =>
    new ServiceError({
      statusCode: 403,
      code: 'Forbidden',
      innerCode: 'ForbiddenByRbac',
      message: [
        'Caller is not authorized to perform action on resource.',
        'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
        `Caller: oid=${details.principalId};iss=https://sts.windows.net/${details.tenantId}/`,
        `Action: '${details.action}'`,
        `Resource: '${details.resource.toLowerCase()}'`,
        'Assignment: (not found)',
        'DenyAssignmentId: null',
        "DecisionReason: 'DeniedWithNoValidRBAC' ",
        `Vault: ${details.vault};location=${details.region}`,
        '',
      ].join('\r\n'),
    }),
  roleAssignmentNotFound: (name: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: 'RoleAssignmentNotFound',
      message: `The role assignment '${name}' is not found.`,
    }),
  roleAssignmentExists: (): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'RoleAssignmentExists',
      message: 'The role assignment already exists.',
    }),
  roleAssignmentUpdateNotPermitted: (): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'RoleAssignmentUpdateNotPermitted',
      message: 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
    }),
  roleDefinitionDoesNotExist: (roleDefinitionId: string): ServiceError =>
    new ServiceError({
      statusCode: 400,
      code: 'RoleDefinitionDoesNotExist',
      message: `The specified role definition with ID '${roleDefinitionId.split('/').at(-1)}' does not exist.`,
    }),
  disabled: (kind: ObjectKind, operation: string): ServiceError =>
    new ServiceError({
      statusCode: 403,
      code: 'Forbidden',
      innerCode: `${titleOf(kind)}Disabled`,
      message: `Operation ${operation} is not allowed on a disabled ${kind}.`,
    }),
  badParameter: (message: string): ServiceError =>
    new ServiceError({ statusCode: 400, code: 'BadParameter', message }),
  badRequest: (message: string): ServiceError =>
    new ServiceError({ statusCode: 400, code: 'BadRequest', message }),
  missingApiVersion: (): ServiceError =>
    new ServiceError({
      statusCode: 400,
      code: 'BadParameter',
      message: 'The api-version query parameter is missing or is not supported.',
    }),
  throttled: (retryAfterSeconds?: number): ServiceError =>
    new ServiceError({
      statusCode: 429,
      code: 'Throttled',
      message:
        'Request was not processed because too many requests were received. Reason: A generic throttling limit was reached for this vault.',
      retryable: true,
      ...(retryAfterSeconds === undefined
        ? {}
        : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    }),
  /**
   * The subscription-and-region limit. The service documents the limit, not the wording of this
   * 429, so the reason names what was exceeded in the vault message's form.
   */
  subscriptionThrottled: (retryAfterSeconds?: number): ServiceError =>
    new ServiceError({
      statusCode: 429,
      code: 'Throttled',
      message:
        'Request was not processed because too many requests were received. Reason: A generic throttling limit was reached for this subscription in this region.',
      retryable: true,
      ...(retryAfterSeconds === undefined
        ? {}
        : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    }),
  injectedFailure: (statusCode: number): ServiceError =>
    statusCode === 403
      ? // A 403 while roles propagate ("please observe propagation time") is the realistic
        // transient one; see forbiddenByRbac.
        new ServiceError({
          statusCode: 403,
          code: 'Forbidden',
          innerCode: 'ForbiddenByRbac',
          message: 'Caller is not authorized to perform action on resource. (injected fault)',
        })
      : new ServiceError({
          statusCode,
          code: statusCode === 503 ? 'ServiceUnavailable' : 'InternalServerError',
          message:
            statusCode === 503
              ? 'The service is temporarily unavailable. (injected fault)'
              : 'An internal server error occurred. (injected fault)',
        }),
  routeNotFound: (method: string, url: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: 'NotFound',
      message: `No operation matches ${method} ${url.split('?')[0]}.`,
    }),
  armResourceNotFound: (name: string, resourceGroup: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    }),
  vaultAlreadyExists: (name: string): ServiceError =>
    new ServiceError({
      statusCode: 409,
      code: 'VaultAlreadyExists',
      message: `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`,
    }),
  subscriptionNotFound: (subscriptionId: string): ServiceError =>
    new ServiceError({
      statusCode: 404,
      code: 'SubscriptionNotFound',
      message: `The subscription '${subscriptionId}' could not be found.`,
    }),
  armBadRequest: (message: string): ServiceError =>
    new ServiceError({ statusCode: 400, code: 'BadRequest', message }),
};
