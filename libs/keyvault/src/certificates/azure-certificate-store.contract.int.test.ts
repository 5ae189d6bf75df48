import { after, before } from 'node:test';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { translateError } from '../azure/translate-error';
import { runCertificateStoreContract } from '../testing/index';
import { AzureCertificateStore } from './azure-certificate-store';

// The Azure adapter through the unmodified SDKs over HTTPS, against the emulator; one vault
// per test.
let emulator: KeyVaultEmulator;
let vaults = 0;

before(async () => {
  emulator = await startEmulator({ throttling: { enabled: false } });
});
after(async () => emulator?.stop());

runCertificateStoreContract('Azure SDK adapter on the emulator', async () => {
  const name = `kv-ccontract-${++vaults}`;
  const url = await emulator.createVault({ name });
  const credential = new StaticTokenCredential('contract');
  const options = { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } };
  const certificates = new CertificateClient(url, credential, options);
  return {
    store: new AzureCertificateStore(
      name,
      certificates,
      new SecretClient(url, credential, options),
      {
        recoverPollMs: 20,
      },
    ),
    purge: async (certificate) => {
      try {
        await certificates.purgeDeletedCertificate(certificate);
      } catch (error) {
        throw translateError(error, name, certificate);
      }
    },
  };
});
