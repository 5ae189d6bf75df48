import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';

const TENANT = '99999999-8888-4777-8666-555555555555';

describe('challenge auth and strict mode', () => {
  let emulator: KeyVaultEmulator;

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-auth', tenantId: TENANT }],
      strictAuth: { tokens: ['good-token'] },
    });
  });
  after(() => emulator.stop());

  it('answers a request without Authorization with the Key Vault challenge', async () => {
    const response = await rawRequest(
      `${emulator.vaultUrl('kv-auth')}/secrets/x/?api-version=2025-07-01`,
      { ca: emulator.ca },
    );
    assert.equal(response.status, 401);
    assert.equal(
      response.headers['www-authenticate'],
      `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
    );
    assert.equal((response.body as { error: { code: string } }).error.code, 'Unauthorized');
  });

  it('lets the SDK through with an accepted token', async () => {
    const client = new SecretClient(
      emulator.vaultUrl('kv-auth'),
      new StaticTokenCredential('good-token'),
      emulator.clientOptions(),
    );
    assert.equal((await client.setSecret('s', 'v')).value, 'v');
  });

  it('rejects other tokens with 401 in strict mode', async () => {
    const client = new SecretClient(
      emulator.vaultUrl('kv-auth'),
      new StaticTokenCredential('stolen-token'),
      {
        ...emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
      },
    );
    await assert.rejects(client.getSecret('s'), { statusCode: 401 });
  });

  it('is refused by an SDK that does not trust the emulator CA', async () => {
    const client = new SecretClient(
      emulator.vaultUrl('kv-auth'),
      new StaticTokenCredential('good-token'),
      {
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
      },
    );
    await assert.rejects(client.getSecret('s'), /certificate/i);
  });

  it('without disableChallengeResourceVerification the SDK rejects the 127.0.0.1 challenge', async () => {
    const client = new SecretClient(
      emulator.vaultUrl('kv-auth'),
      new StaticTokenCredential('good-token'),
      {
        tlsOptions: { ca: emulator.ca },
        retryOptions: { maxRetries: 0 },
      },
    );
    await assert.rejects(client.getSecret('s'), /resource|domain/i);
  });

  it('applies strict mode to ARM as well', async () => {
    const options = { ...emulator.armClientOptions(), retryOptions: { maxRetries: 0 } };
    const good = new KeyVaultManagementClient(
      new StaticTokenCredential('good-token'),
      emulator.subscriptionId,
      options,
    );
    assert.equal((await good.vaults.get('rg-keyvault-emulator', 'kv-auth')).name, 'kv-auth');
    const bad = new KeyVaultManagementClient(
      new StaticTokenCredential('stolen-token'),
      emulator.subscriptionId,
      options,
    );
    await assert.rejects(bad.vaults.get('rg-keyvault-emulator', 'kv-auth'), {
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });

  it('binds tokens to tenants: a token of another tenant is refused by the vault', async () => {
    const OTHER = '12121212-0000-4000-8000-000000000012';
    const tenanted = await startEmulator({
      vaults: [
        { name: 'kv-t1', tenantId: TENANT },
        { name: 'kv-t2', tenantId: OTHER },
      ],
      strictAuth: { tokensByTenant: { [TENANT]: ['token-t1'], [OTHER]: ['token-t2'] } },
    });
    try {
      const options = { ...tenanted.clientOptions(), retryOptions: { maxRetries: 0 } };
      const t1 = new StaticTokenCredential('token-t1');
      await new SecretClient(tenanted.vaultUrl('kv-t1'), t1, options).setSecret('s', 'v');
      await assert.rejects(
        new SecretClient(tenanted.vaultUrl('kv-t2'), t1, options).setSecret('s', 'v'),
        { statusCode: 401 },
      );
      await new SecretClient(
        tenanted.vaultUrl('kv-t2'),
        new StaticTokenCredential('token-t2'),
        options,
      ).setSecret('s', 'v');
    } finally {
      await tenanted.stop();
    }
  });
});
