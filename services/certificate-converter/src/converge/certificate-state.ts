import {
  isVaultError,
  type CertificateStore,
  type CertificateWithPolicy,
} from '@akv-replicator/keyvault';

/** The latest version with its policy, or undefined when the name holds no live certificate. */
export async function readCertificate(
  store: CertificateStore,
  name: string,
): Promise<CertificateWithPolicy | undefined> {
  try {
    return await store.getCertificate(name);
  } catch (error) {
    if (isVaultError(error, 'not-found')) return undefined;
    throw error;
  }
}
