import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalOf } from './principal';
import { RoleAssignments, scopeCovers } from './role-assignments';
import { grants, KEY_VAULT_ROLES, roleDefinitionOf } from './role-definitions';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const GET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';

describe('Key Vault roles', () => {
  it('match data actions with wildcards, case-insensitively, and nothing more', () => {
    assert.ok(grants('Microsoft.KeyVault/vaults/*', GET));
    assert.ok(grants('microsoft.keyvault/vaults/secrets/*', GET));
    assert.ok(grants('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keys/read'));
    assert.ok(!grants('Microsoft.KeyVault/vaults/*/read', GET));
    assert.ok(!grants('Microsoft.KeyVault/vaults/secrets/get', GET), 'no implicit prefix match');
  });

  it('are found by bare GUID or full roleDefinitionId', () => {
    const id = KEY_VAULT_ROLES.secretsUser.id;
    assert.equal(roleDefinitionOf(id)?.roleName, 'Key Vault Secrets User');
    const full = `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${id.toUpperCase()}`;
    assert.equal(roleDefinitionOf(full), KEY_VAULT_ROLES.secretsUser);
    assert.equal(roleDefinitionOf('acdd72a7-3385-48ef-bd42-f606fba81ae7'), undefined); // Reader (ARM)
  });
});

describe('principalOf', () => {
  const jwt = (claims: object) =>
    `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  it('takes oid, then sub, from a JWT and uses any other token as it is', () => {
    assert.equal(principalOf(jwt({ oid: 'o', sub: 's' })), 'o');
    assert.equal(principalOf(jwt({ sub: 's' })), 's');
    assert.equal(principalOf(jwt({})), jwt({}));
    assert.equal(principalOf('a.b.c'), 'a.b.c');
    assert.equal(principalOf('plain-token'), 'plain-token');
  });
});

describe('RoleAssignments', () => {
  it('inherit down the scope tree, never sideways', () => {
    assert.ok(scopeCovers('/subscriptions/s', VAULT));
    assert.ok(scopeCovers(VAULT, `${VAULT}/secrets/x`));
    assert.ok(!scopeCovers(`${VAULT}/secrets/x`, VAULT));
    assert.ok(!scopeCovers(VAULT, `${VAULT}2/secrets/x`), 'kv is not a prefix scope of kv2');
    const assignments = new RoleAssignments();
    assignments.put({
      name: 'a',
      scope: `${VAULT}/secrets/x`,
      roleDefinitionId: KEY_VAULT_ROLES.secretsUser.id,
      principalId: 'p',
      principalType: 'ServicePrincipal',
      createdMs: 0,
    });
    assert.ok(assignments.permits('P', `${VAULT}/secrets/x`, GET));
    assert.ok(!assignments.permits('p', `${VAULT}/secrets/y`, GET));
    assert.ok(!assignments.permits('q', `${VAULT}/secrets/x`, GET));
  });
});
