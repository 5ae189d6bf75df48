import { createSecureContext } from 'node:tls';
import { PEM_CONTENT_TYPE, readCertificateMaterial } from '@akv-replicator/keyvault';

/**
 * Whether a backing secret carries a private key that can be imported elsewhere. PFX goes
 * through OpenSSL first (≈5 ms: it opens with the empty password only when a key matching the
 * certificate is inside); anything OpenSSL refuses, and PEM, is read in full (node-forge for
 * PFX, ≈40 ms) to tell a missing key from protected or unreadable material. Throws
 * CertificateMaterialError for the latter two.
 */
export function hasExportableKey(value: string, contentType: string): boolean {
  if (contentType !== PEM_CONTENT_TYPE && !value.trimStart().startsWith('-----BEGIN')) {
    try {
      createSecureContext({ pfx: Buffer.from(value, 'base64'), passphrase: '' });
      return true;
    } catch {
      // Diagnosed below: no key, a password, or not a PFX at all.
    }
  }
  return readCertificateMaterial(value, contentType).privateKey !== undefined;
}
