import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  readCertificateMaterial,
  thumbprintOf,
  type CertificateContentType,
} from '@akv-replicator/keyvault';

/** The data of a `kubernetes.io/tls` Secret, base64 as the API returns it. */
export interface TlsSecretData {
  readonly 'tls.crt'?: string;
  readonly 'tls.key'?: string;
  readonly 'ca.crt'?: string;
}

export type TlsBundleFormat = 'PEM' | 'PFX';

/** What Key Vault imports: the key, the leaf, its chain and the CA, as PEM or PFX. */
export interface TlsBundle {
  readonly value: string;
  readonly contentType: CertificateContentType;
  /** Leaf thumbprint (`x5t`, base64url): decides whether a renewal needs an import. */
  readonly x5t: string;
  /** Why the bundle is not in the asked format (PFX of an EC key), for the log. */
  readonly note?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Bundles a cert-manager TLS Secret for import: `tls.key`, then `tls.crt` (leaf and chain as
 * cert-manager writes it), then `ca.crt` certificates not already in the chain. PFX is written
 * for RSA material only (node-forge cannot write EC keys); EC material stays PEM, with a note.
 * Throws CertificateMaterialError when the key is missing, encrypted or does not match the leaf.
 */
export function bundleTlsSecret(data: TlsSecretData, format: TlsBundleFormat = 'PEM'): TlsBundle {
  const decode = (field: keyof TlsSecretData) =>
    Buffer.from(data[field] ?? '', 'base64').toString('utf8');
  const key = decode('tls.key').trim();
  const chain = [...decode('tls.crt').matchAll(PEM_CERTIFICATE)].map((m) => m[0]);
  const seen = new Set(chain.map((pem) => x509(pem, 'tls.crt').fingerprint256));
  const extra = [...decode('ca.crt').matchAll(PEM_CERTIFICATE)]
    .map((m) => m[0])
    .filter((pem) => !seen.has(x509(pem, 'ca.crt').fingerprint256));
  if (chain.length === 0)
    throw new CertificateMaterialError('unreadable', 'tls.crt holds no certificate');
  if (!key) throw new CertificateMaterialError('unreadable', 'tls.key is empty');
  const value = `${[key, ...chain, ...extra].join('\n')}\n`;
  const material = readCertificateMaterial(value, PEM_CONTENT_TYPE);
  const leaf = new X509Certificate(chain[0]!);
  if (!material.privateKey || !leaf.checkPrivateKey(material.privateKey))
    throw new CertificateMaterialError('unreadable', 'tls.key does not belong to tls.crt');
  const x5t = thumbprintOf(leaf);
  if (format === 'PEM') return { value, contentType: PEM_CONTENT_TYPE, x5t };
  // PKCS#12 costs ~25 ms of CPU per RSA key, and most bundles are only compared by thumbprint
  // (every Secret is re-checked at each Lease takeover): encode on first use, at import.
  const privateKey = material.privateKey;
  let encoded: Pick<TlsBundle, 'value' | 'contentType' | 'note'> | undefined;
  const encode = () => {
    if (!encoded) {
      const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const pfx = rsaPfx(keyPem, [...chain, ...extra]);
      encoded = pfx
        ? { value: pfx, contentType: PKCS12_CONTENT_TYPE }
        : {
            value,
            contentType: PEM_CONTENT_TYPE,
            note: 'PFX asked for, but the key or a chain certificate is not RSA: imported as PEM',
          };
    }
    return encoded;
  };
  return {
    x5t,
    get value() {
      return encode().value;
    },
    get contentType() {
      return encode().contentType;
    },
    get note() {
      return encode().note;
    },
  };
}

/** Bad bytes stay bad until cert-manager rewrites the Secret: never a retryable failure. */
function x509(pem: string, field: keyof TlsSecretData): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new CertificateMaterialError(
      'unreadable',
      `${field} holds an unreadable certificate`,
      error,
    );
  }
}

/** PKCS#12 as Key Vault writes it (empty password, 3DES, SHA-1 MAC), or undefined for non-RSA. */
function rsaPfx(keyPem: string, certificates: readonly string[]): string | undefined {
  let key: forge.pki.rsa.PrivateKey;
  let certs: forge.pki.Certificate[];
  try {
    key = forge.pki.privateKeyFromPem(keyPem);
    certs = certificates.map((pem) => forge.pki.certificateFromPem(pem));
  } catch {
    return undefined;
  }
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, '', {
    algorithm: '3des',
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').toString('base64');
}
