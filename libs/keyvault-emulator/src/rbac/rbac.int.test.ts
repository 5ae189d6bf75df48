import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  KEY_VAULT_ROLES,
  roleDefinitionResourceId,
  startEmulator,
  StaticTokenCredential,
  type KeyVaultEmulator,
} from '../index';
import { rawRequest } from '../testing/raw-request';

const TENANT = '7a7a7a7a-0000-4000-8000-000000000007';
const RG = 'rg-rbac';
const NO_RETRY = { retryOptions: { maxRetries: 0 } };

interface WireError {
  error: { code: string; message: string; innererror?: { code: string } };
}

/** An unsigned JWT-shaped token: the emulator reads `oid` and never checks signatures. */
function jwtFor(oid: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ oid, tid: TENANT })}.sig`;
}

describe('Azure RBAC on vaults with enableRbacAuthorization', () => {
  let emulator: KeyVaultEmulator;
  let authorization: AuthorizationManagementClient;
  let vaultScope: string;
  const secretsAs = (principal: string, vault = 'kv-rbac') =>
    new SecretClient(emulator.vaultUrl(vault), new StaticTokenCredential(principal), {
      ...emulator.clientOptions(),
      ...NO_RETRY,
    });
  const grant = (principal: string, roleId: string, name: string, scope = vaultScope) =>
    authorization.roleAssignments.create(scope, name, {
      roleDefinitionId: roleDefinitionResourceId(emulator.subscriptionId, roleId),
      principalId: principal,
      principalType: 'ServicePrincipal',
    });

  before(async () => {
    emulator = await startEmulator({
      tenantId: TENANT,
      resourceGroup: RG,
      lifecycleDelayMs: 0,
      vaults: [{ name: 'kv-rbac', enableRbacAuthorization: true }, { name: 'kv-policies' }],
    });
    vaultScope = emulator.vault('kv-rbac').resourceId;
    authorization = new AuthorizationManagementClient(
      new StaticTokenCredential('arm-admin'),
      emulator.subscriptionId,
      { ...emulator.armClientOptions(), ...NO_RETRY },
    );
  });
  after(() => emulator.stop());

  it('answers a caller without a role with the 403 ForbiddenByRbac Key Vault sends', async () => {
    await assert.rejects(secretsAs('nobody').setSecret('s', 'v'), {
      statusCode: 403,
      code: 'Forbidden',
    });
    const response = await rawRequest(`${emulator.vaultUrl('kv-rbac')}/secrets/s?api-version=7.5`, {
      ca: emulator.ca,
      token: 'nobody',
    });
    assert.equal(response.status, 403);
    const { error } = response.body as WireError;
    assert.equal(error.code, 'Forbidden');
    assert.deepEqual(error.innererror, { code: 'ForbiddenByRbac' });
    assert.match(error.message, /^Caller is not authorized to perform action on resource\.\r\n/);
    assert.match(error.message, /Caller: oid=nobody;iss=https:\/\/sts\.windows\.net\/7a7a7a7a/);
    assert.match(
      error.message,
      /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action'/,
    );
    assert.match(error.message, /Resource: '\/subscriptions\/.*\/vaults\/kv-rbac\/secrets\/s'/);
    assert.match(error.message, /Vault: kv-rbac;location=westeurope/);
    // A vault on access policies lets any accepted token through.
    await secretsAs('nobody', 'kv-policies').setSecret('s', 'v');
  });

  it('grants data actions by role through ARM role assignments (official SDK)', async () => {
    const created = await grant('officer', KEY_VAULT_ROLES.secretsOfficer.id, 'a-officer');
    assert.equal(created.scope, vaultScope);
    assert.equal(created.principalId, 'officer');
    await secretsAs('officer').setSecret('db', 'v1');

    await grant('app', KEY_VAULT_ROLES.secretsUser.id, 'a-app');
    assert.equal((await secretsAs('app').getSecret('db')).value, 'v1');
    await assert.rejects(secretsAs('app').setSecret('db', 'v2'), { statusCode: 403 });
    await assert.rejects(secretsAs('app').beginDeleteSecret('db'), { statusCode: 403 });

    await grant('auditor', KEY_VAULT_ROLES.reader.id, 'a-auditor');
    const names: string[] = [];
    for await (const item of secretsAs('auditor').listPropertiesOfSecrets()) names.push(item.name);
    assert.deepEqual(names, ['db']);
    await assert.rejects(secretsAs('auditor').getSecret('db'), { statusCode: 403 });

    const fetched = await authorization.roleAssignments.get(vaultScope, 'a-app');
    assert.equal(fetched.roleDefinitionId?.split('/').at(-1), KEY_VAULT_ROLES.secretsUser.id);
    const listed = [];
    for await (const a of authorization.roleAssignments.listForScope(vaultScope, {
      filter: "principalId eq 'app'",
    }))
      listed.push(a.name);
    assert.deepEqual(listed, ['a-app']);

    await authorization.roleAssignments.delete(vaultScope, 'a-app');
    await assert.rejects(secretsAs('app').getSecret('db'), { statusCode: 403 });
    await assert.rejects(authorization.roleAssignments.get(vaultScope, 'a-app'), {
      statusCode: 404,
      code: 'RoleAssignmentNotFound',
    });
  });

  it('inherits assignments from the resource group, and reads oid from JWT bearer tokens', async () => {
    const rgScope = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${RG}`;
    await grant(
      '11111111-aaaa-4bbb-8ccc-000000000001',
      KEY_VAULT_ROLES.administrator.id,
      'a-rg',
      rgScope,
    );
    const admin = new SecretClient(
      emulator.vaultUrl('kv-rbac'),
      new StaticTokenCredential(jwtFor('11111111-aaaa-4bbb-8ccc-000000000001')),
      { ...emulator.clientOptions(), ...NO_RETRY },
    );
    await admin.setSecret('by-admin', 'v');
    const other = new SecretClient(
      emulator.vaultUrl('kv-rbac'),
      new StaticTokenCredential(jwtFor('22222222-aaaa-4bbb-8ccc-000000000002')),
      { ...emulator.clientOptions(), ...NO_RETRY },
    );
    await assert.rejects(other.getSecret('by-admin'), { statusCode: 403 });
  });

  it('keeps certificates and their backing secrets apart: a Certificates Officer cannot read the PFX', async () => {
    emulator.assignRole('kv-rbac', 'cert-officer', KEY_VAULT_ROLES.certificatesOfficer);
    const certificates = new CertificateClient(
      emulator.vaultUrl('kv-rbac'),
      new StaticTokenCredential('cert-officer'),
      { ...emulator.clientOptions(), ...NO_RETRY },
    );
    await (
      await certificates.beginCreateCertificate(
        'tls',
        { issuerName: 'Self', subject: 'CN=tls' },
        { intervalInMs: 10 },
      )
    ).pollUntilDone();
    await assert.rejects(secretsAs('cert-officer').getSecret('tls'), { statusCode: 403 });
    emulator.assignRole('kv-rbac', 'cert-officer', KEY_VAULT_ROLES.secretsUser, {
      scopePath: '/secrets/tls',
    });
    assert.ok((await secretsAs('cert-officer').getSecret('tls')).value, 'object-scoped grant');
    await assert.rejects(secretsAs('cert-officer').getSecret('db'), { statusCode: 403 });
  });

  it('refuses duplicate assignments, changed assignments and unknown roles as ARM does', async () => {
    await assert.rejects(grant('officer', KEY_VAULT_ROLES.secretsOfficer.id, 'a-officer-2'), {
      statusCode: 409,
      code: 'RoleAssignmentExists',
    });
    await assert.rejects(grant('someone-else', KEY_VAULT_ROLES.secretsOfficer.id, 'a-officer'), {
      statusCode: 409,
      code: 'RoleAssignmentUpdateNotPermitted',
    });
    await assert.rejects(grant('x', '99999999-9999-4999-8999-999999999999', 'a-x'), {
      statusCode: 400,
      code: 'RoleDefinitionDoesNotExist',
    });
  });

  it('enforces RBAC on a vault created through ARM with enableRbacAuthorization', async () => {
    const arm = new KeyVaultManagementClient(
      new StaticTokenCredential('arm-admin'),
      emulator.subscriptionId,
      { ...emulator.armClientOptions(), ...NO_RETRY },
    );
    const vault = await arm.vaults.beginCreateOrUpdateAndWait(RG, 'kv-rbac-arm', {
      location: 'northeurope',
      properties: {
        tenantId: TENANT,
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true,
      },
    });
    assert.equal(vault.properties.enableRbacAuthorization, true);
    await assert.rejects(secretsAs('nobody', 'kv-rbac-arm').setSecret('s', 'v'), {
      statusCode: 403,
    });
    await grant('officer', KEY_VAULT_ROLES.secretsOfficer.id, 'a-arm', vault.id!);
    await secretsAs('officer', 'kv-rbac-arm').setSecret('s', 'v');
  });

  it('can inject 403 ForbiddenByRbac faults', async () => {
    emulator.faults.setErrorRate({ rate: 1, status: 403, vault: 'kv-policies' });
    try {
      const response = await rawRequest(
        `${emulator.vaultUrl('kv-policies')}/secrets/s?api-version=7.5`,
        { ca: emulator.ca, token: 't' },
      );
      assert.equal(response.status, 403);
      assert.equal((response.body as WireError).error.innererror?.code, 'ForbiddenByRbac');
    } finally {
      await emulator.faults.reset();
    }
  });
});
