import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isVaultError } from '../errors';
import { translateError } from './translate-error';

/** A RestError as @azure/core-client raises it for a Key Vault error body. */
const rest = (statusCode: number, code: string, message: string, inner?: string) =>
  Object.assign(new Error(message), {
    statusCode,
    code,
    details: { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
  });

// Key Vault's 403 for a caller without the role (Azure RBAC), message lines as the service sends them.
const RBAC_MESSAGE = [
  'Caller is not authorized to perform action on resource.',
  'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
  'Caller: appid=11111111-2222-3333-4444-555555555555;oid=66666666-7777-8888-9999-000000000000;iss=https://sts.windows.net/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/',
  "Action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action'",
  "Resource: '/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-b/secrets/db'",
  'Assignment: (not found)',
].join('\r\n');

describe('translateError', () => {
  it('makes "being deleted / purged / recovered" conflicts retry-later, not failures', () => {
    for (const error of [
      rest(409, 'Conflict', 'Secret is currently being deleted.', 'ObjectIsBeingDeleted'),
      rest(409, 'Conflict', 'Secret db is currently being recovered.', 'ObjectIsBeingRecovered'),
      rest(409, 'Conflict', 'Secret db is currently being purged.'),
    ]) {
      const translated = translateError(error, 'kv-b', 'db');
      assert.equal(translated.kind, 'being-deleted', error.message);
      assert.equal(translated.retryable, true);
      assert.equal(translated.status, 409);
    }
  });

  it('keeps soft-deleted names and other conflicts final', () => {
    const soft = translateError(
      rest(
        409,
        'Conflict',
        'Secret db is currently in a deleted but recoverable state',
        'ObjectIsDeletedButRecoverable',
      ),
      'kv-b',
      'db',
    );
    assert.ok(isVaultError(soft, 'deleted-recoverable') && !soft.retryable);
    const other = translateError(rest(409, 'Conflict', 'Secret db already exists.'), 'kv-b', 'db');
    assert.ok(isVaultError(other, 'conflict') && !other.retryable);
  });

  it('reports an RBAC 403 as a permission problem naming vault, caller and missing role', () => {
    const translated = translateError(
      rest(403, 'Forbidden', RBAC_MESSAGE, 'ForbiddenByRbac'),
      'kv-b',
      'db',
      {
        operation: 'secrets/set',
        identity: { clientId: 'configured-client', tenantId: 't-config' },
      },
    );
    assert.ok(isVaultError(translated, 'forbidden'));
    assert.equal(translated.retryable, false);
    assert.equal(translated.code, 'ForbiddenByRbac');
    assert.deepEqual(translated.permission, {
      // Key Vault's Caller line names who really called; it wins over the configuration.
      identity:
        'appid=11111111-2222-3333-4444-555555555555, oid=66666666-7777-8888-9999-000000000000, tenant aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      missingRole: 'Key Vault Secrets Officer',
      action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
    });
    assert.match(translated.message, /^kv-b\/db: permission denied/);
    assert.match(translated.message, /needs the Key Vault Secrets Officer role on vault kv-b/);
    assert.match(translated.message, /appid=11111111-2222-3333-4444-555555555555/);
    assert.equal(translated.fields['missingRole'], 'Key Vault Secrets Officer');
  });

  it('names the configured identity and the operation when the 403 says nothing about them', () => {
    const translated = translateError(rest(403, 'Forbidden', 'Access denied.'), 'kv-a', 'db', {
      operation: 'secrets/get',
      identity: { clientId: 'cid-1', tenantId: 'tid-1' },
    });
    assert.equal(translated.permission?.identity, 'appid=cid-1, tenant tid-1');
    assert.equal(translated.permission?.missingRole, 'Key Vault Secrets User');
    assert.equal(translated.permission?.action, 'secrets/get');
    const unknown = translateError(rest(403, 'Forbidden', 'Access denied.'), 'kv-a');
    assert.match(
      unknown.message,
      /identity unknown identity is not authorized; it lacks a role on vault kv-a/,
    );
  });

  it('still tells a disabled object from a permission problem', () => {
    const disabled = translateError(
      rest(
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
        'SecretDisabled',
      ),
      'kv-a',
      'db',
      { operation: 'secrets/get' },
    );
    assert.ok(isVaultError(disabled, 'disabled'));
    assert.equal(disabled.permission, undefined);
  });
});
