import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';

const SUB_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const SUB_B = '0b0b0b0b-0000-4000-8000-00000000000b';
const TENANT_B = '7e7e7e7e-0000-4000-8000-00000000000b';

describe('ARM Microsoft.KeyVault/vaults through @azure/arm-keyvault', () => {
  let emulator: KeyVaultEmulator;
  const credential = new StaticTokenCredential('arm-token');
  let armA: KeyVaultManagementClient;
  let armB: KeyVaultManagementClient;

  before(async () => {
    emulator = await startEmulator({
      subscriptionId: SUB_A,
      vaults: [
        {
          name: 'kv-src',
          region: 'westeurope',
          resourceGroup: 'rg-app',
          tags: { dst_key_vault_names: 'kv-dst' },
        },
        { name: 'kv-dst', region: 'northeurope', resourceGroup: 'rg-dr' },
        {
          name: 'kv-other',
          region: 'eastus',
          resourceGroup: 'rg-x',
          subscriptionId: SUB_B,
          tenantId: TENANT_B,
        },
      ],
    });
    armA = new KeyVaultManagementClient(credential, SUB_A, {
      ...emulator.armClientOptions(),
      retryOptions: { maxRetries: 0 },
    });
    armB = new KeyVaultManagementClient(credential, SUB_B, {
      ...emulator.armClientOptions(),
      retryOptions: { maxRetries: 0 },
    });
  });
  after(() => emulator.stop());

  it('lists vaults by subscription and by resource group, with tags, location, sku and vaultUri', async () => {
    const names: string[] = [];
    for await (const vault of armA.vaults.listBySubscription()) {
      names.push(vault.name!);
      assert.equal(vault.properties.sku.name, 'standard');
      assert.equal(vault.properties.vaultUri, `${emulator.vaultUrl(vault.name!)}/`);
      assert.equal(vault.properties.provisioningState, 'Succeeded');
    }
    assert.deepEqual(names.sort(), ['kv-dst', 'kv-src']);
    const inRg = [];
    for await (const vault of armA.vaults.listByResourceGroup('rg-app')) inRg.push(vault);
    assert.equal(inRg.length, 1);
    assert.equal(inRg[0]!.location, 'westeurope');
    assert.deepEqual(inRg[0]!.tags, { dst_key_vault_names: 'kv-dst' });
    assert.equal(inRg[0]!.id, emulator.vault('kv-src').resourceId);
    assert.deepEqual(emulator.vault('kv-src').tags, { dst_key_vault_names: 'kv-dst' });
    const other = [];
    for await (const vault of armB.vaults.listBySubscription()) other.push(vault);
    assert.deepEqual(
      other.map((v) => [v.name, v.properties.tenantId]),
      [['kv-other', TENANT_B]],
    );
    // ARM asks for `${endpoint}/.default` without a challenge.
    assert.deepEqual(credential.requests[0]?.scopes, [`${emulator.armEndpoint}/.default`]);
  });

  it('pages with $top and nextLink', async () => {
    for (const name of ['kv-p1', 'kv-p2', 'kv-p3']) {
      await armA.vaults
        .createOrUpdate('rg-paged', name, {
          location: 'westeurope',
          properties: { tenantId: emulator.tenantId, sku: { family: 'A', name: 'standard' } },
        })
        .pollUntilDone();
    }
    let pages = 0;
    const names: string[] = [];
    for await (const page of armA.vaults.listByResourceGroup('rg-paged', { top: 2 }).byPage()) {
      pages += 1;
      names.push(...page.map((v) => v.name!));
    }
    assert.equal(pages, 2);
    assert.deepEqual(names.sort(), ['kv-p1', 'kv-p2', 'kv-p3']);
    const generic = [];
    for await (const resource of armA.vaults.list()) generic.push(resource.name);
    assert.ok(generic.includes('kv-p3') && generic.includes('kv-src'));
  });

  it('creates a vault (201) whose data plane comes up on its own origin with its tenant', async () => {
    const response = await rawRequest(
      `${emulator.armEndpoint}/subscriptions/${SUB_B}/resourceGroups/rg-new/providers/Microsoft.KeyVault/vaults/kv-new?api-version=2026-02-01`,
      {
        ca: emulator.ca,
        token: 't',
        method: 'PUT',
        body: {
          location: 'eastus',
          properties: { tenantId: TENANT_B, sku: { family: 'A', name: 'premium' } },
          tags: { a: 'b' },
        },
      },
    );
    assert.equal(response.status, 201);
    const vault = await armB.vaults.get('rg-new', 'kv-new');
    assert.equal(vault.properties.sku.name, 'premium');
    const secretCredential = new StaticTokenCredential();
    const secrets = new SecretClient(
      vault.properties.vaultUri!,
      secretCredential,
      emulator.clientOptions(),
    );
    await secrets.setSecret('hello', 'world');
    assert.equal((await secrets.getSecret('hello')).value, 'world');
    assert.equal(secretCredential.requests[0]?.tenantId, TENANT_B);
    assert.notEqual(
      new URL(vault.properties.vaultUri!).port,
      new URL(emulator.vaultUrl('kv-src')).port,
    );
  });

  it('updates tags with PUT (200) and PATCH, keeping sku', async () => {
    const updated = await armA.vaults
      .createOrUpdate('rg-app', 'kv-src', {
        location: 'westeurope',
        tags: { dst_key_vault_names: 'kv-dst,kv-p1' },
        properties: { tenantId: emulator.tenantId, sku: { family: 'A', name: 'standard' } },
      })
      .pollUntilDone();
    assert.equal(updated.tags?.['dst_key_vault_names'], 'kv-dst,kv-p1');
    const patched = await armA.vaults.update('rg-app', 'kv-src', {
      tags: { dst_key_vault_names: 'kv-dst', owner: 'team' },
    });
    assert.deepEqual(patched.tags, { dst_key_vault_names: 'kv-dst', owner: 'team' });
    assert.equal(patched.properties.sku.name, 'standard');
    const again = await rawRequest(
      `${emulator.armEndpoint}/subscriptions/${SUB_A}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-src?api-version=2023-07-01`,
      {
        ca: emulator.ca,
        token: 't',
        method: 'PUT',
        body: {
          location: 'westeurope',
          properties: { tenantId: emulator.tenantId, sku: { family: 'A', name: 'standard' } },
        },
      },
    );
    assert.equal(again.status, 200, 'an older api-version is accepted and an update answers 200');
  });

  it('answers 404 ResourceNotFound, 409 for a name taken elsewhere, and 401 without a token', async () => {
    await assert.rejects(armA.vaults.get('rg-app', 'kv-none'), {
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    await assert.rejects(
      armB.vaults
        .createOrUpdate('rg-b', 'kv-src', {
          location: 'x',
          properties: { tenantId: TENANT_B, sku: { family: 'A', name: 'standard' } },
        })
        .pollUntilDone(),
      { statusCode: 409, code: 'VaultAlreadyExists' },
    );
    const anonymous = await rawRequest(
      `${emulator.armEndpoint}/subscriptions/${SUB_A}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`,
      { ca: emulator.ca },
    );
    assert.equal(anonymous.status, 401);
  });

  it('deletes a vault and takes its data plane down', async () => {
    const url = emulator.vaultUrl('kv-p3');
    await armA.vaults.delete('rg-paged', 'kv-p3');
    await assert.rejects(armA.vaults.get('rg-paged', 'kv-p3'), { statusCode: 404 });
    await assert.rejects(
      rawRequest(`${url}/secrets?api-version=7.5`, { ca: emulator.ca, token: 't' }),
      /ECONNREFUSED/,
    );
  });

  it('checks name availability across subscriptions and lists no soft-deleted vaults', async () => {
    const taken = await armB.vaults.checkNameAvailability({
      name: 'kv-src',
      type: 'Microsoft.KeyVault/vaults',
    });
    assert.deepEqual([taken.nameAvailable, taken.reason], [false, 'AlreadyExists']);
    assert.equal(
      (
        await armA.vaults.checkNameAvailability({
          name: 'kv-free-name',
          type: 'Microsoft.KeyVault/vaults',
        })
      ).nameAvailable,
      true,
    );
    assert.equal(
      (
        await armA.vaults.checkNameAvailability({
          name: 'no_underscores',
          type: 'Microsoft.KeyVault/vaults',
        })
      ).reason,
      'AccountNameInvalid',
    );
    const deleted = [];
    for await (const vault of armA.vaults.listDeleted()) deleted.push(vault);
    assert.deepEqual(deleted, []);
  });
});
