import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfigText } from '@akv-replicator/core';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { certificateStores, secretStores, vaultPacers } from './stores';

// The CLI and every service build their stores here: a 403 from either kind names the identity
// the configuration pins (DESIGN principle 9), so an operator knows whom to grant the role.
const PRINCIPAL = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const CLIENT = '9a8b7c6d-5e4f-4321-8765-43210fedcba9';

let emulator: KeyVaultEmulator;
before(async () => {
  emulator = await startEmulator({ vaults: [{ name: 'kv-a' }] });
});
after(async () => {
  await emulator?.stop();
});

describe('secretStores and certificateStores over the emulator', () => {
  it('a 403 names the configured identity, for secrets and certificates alike', async () => {
    const loaded = loadConfigText(
      [
        'tenants:',
        '  default:',
        '    tenantId: 00000000-0000-0000-0000-0000000000aa',
        `    principalId: ${PRINCIPAL}`,
        `    auth: { method: workload-identity, clientId: ${CLIENT} }`,
        'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: westus }] }]',
      ].join('\n'),
      { env: {} },
    );
    const adapters = {
      credentialFor: () => new StaticTokenCredential('test-token'),
      secretClientOptions: { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } },
    };
    const pacers = vaultPacers(loaded, {});
    const vault = { name: 'kv-a', uri: emulator.vaultUrl('kv-a') };
    const secrets = secretStores(loaded, adapters, pacers)(vault);
    const certificates = certificateStores(loaded, adapters, pacers)(vault);

    emulator.faults.setErrorRate({ vault: 'kv-a', rate: 1, status: 403 });
    try {
      for (const [kind, read] of [
        ['secret', () => secrets.getSecret('db-password')],
        ['certificate', () => certificates.getCertificate('tls')],
      ] as const)
        await assert.rejects(read(), (error: Error) => {
          assert.match(error.message, new RegExp(CLIENT), `${kind}: ${error.message}`);
          return true;
        });
    } finally {
      emulator.faults.setErrorRate({ vault: 'kv-a', rate: 0 });
    }
  });
});
