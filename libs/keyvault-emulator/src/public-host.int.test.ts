import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { startEmulator, type KeyVaultEmulator } from './emulator';
import { StaticTokenCredential } from './static-token-credential';

// 127.0.0.2 is loopback on Linux but in none of the certificate's default names, so TLS only
// succeeds if the public host made it into the certificate (as a container's name must).
const PUBLIC_HOST = '127.0.0.2';

describe('emulator on a public host name (container networks)', () => {
  let emulator: KeyVaultEmulator;

  before(async () => {
    emulator = await startEmulator({
      host: '0.0.0.0',
      publicHost: PUBLIC_HOST,
      vaults: [{ name: 'kv-public-host' }],
    });
  });
  after(() => emulator?.stop());

  it('reports URLs on the public host and serves a TLS certificate valid for it', async () => {
    assert.match(emulator.armEndpoint, /^https:\/\/127\.0\.0\.2:\d+$/);
    const url = emulator.vaultUrl('kv-public-host');
    assert.match(url, /^https:\/\/127\.0\.0\.2:\d+$/);
    const client = new SecretClient(url, new StaticTokenCredential(), emulator.clientOptions());
    const written = await client.setSecret('over-the-network', 'v1');
    assert.ok(written.properties.id?.startsWith(`${url}/secrets/over-the-network/`));
    assert.equal((await client.getSecret('over-the-network')).value, 'v1');

    const arm = new KeyVaultManagementClient(
      new StaticTokenCredential(),
      emulator.subscriptionId,
      emulator.armClientOptions(),
    );
    const vaults = [];
    for await (const vault of arm.vaults.listBySubscription()) vaults.push(vault);
    assert.deepEqual(
      vaults.map((v) => v.properties.vaultUri),
      [`${url}/`],
    );
  });

  it('rejects a host that is not a host name or address', async () => {
    await assert.rejects(startEmulator({ publicHost: 'a b' }), /publicHost must be/);
  });
});
