import { X509Certificate } from 'node:crypto';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  readCertificateMaterial,
  thumbprintOf,
} from '@akv-replicator/keyvault';

/** The data of a `kubernetes.io/tls` Secret, base64 as the API returns it. */
export interface TlsSecretData {
  readonly 'tls.crt'?: string;
  readonly 'tls.key'?: string;
  readonly 'ca.crt'?: string;
}

/** What Key Vault imports: PEM with the key, the leaf, its chain and the CA. */
export interface TlsBundle {
  readonly value: string;
  readonly contentType: typeof PEM_CONTENT_TYPE;
  /** Leaf thumbprint (`x5t`, base64url): decides whether a renewal needs an import. */
  readonly x5t: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Bundles a cert-manager TLS Secret for import: `tls.key`, then `tls.crt` (leaf and chain as
 * cert-manager writes it), then `ca.crt` certificates not already in the chain. Throws
 * CertificateMaterialError when the key is missing, encrypted or does not match the leaf.
 */
export function bundleTlsSecret(data: TlsSecretData): TlsBundle {
  const decode = (field: keyof TlsSecretData) =>
    Buffer.from(data[field] ?? '', 'base64').toString('utf8');
  const key = decode('tls.key').trim();
  const chain = [...decode('tls.crt').matchAll(PEM_CERTIFICATE)].map((m) => m[0]);
  const seen = new Set(chain.map((pem) => new X509Certificate(pem).fingerprint256));
  const extra = [...decode('ca.crt').matchAll(PEM_CERTIFICATE)]
    .map((m) => m[0])
    .filter((pem) => !seen.has(new X509Certificate(pem).fingerprint256));
  if (chain.length === 0)
    throw new CertificateMaterialError('unreadable', 'tls.crt holds no certificate');
  if (!key) throw new CertificateMaterialError('unreadable', 'tls.key is empty');
  const value = `${[key, ...chain, ...extra].join('\n')}\n`;
  const material = readCertificateMaterial(value, PEM_CONTENT_TYPE);
  const leaf = new X509Certificate(chain[0]!);
  if (!material.privateKey || !leaf.checkPrivateKey(material.privateKey))
    throw new CertificateMaterialError('unreadable', 'tls.key does not belong to tls.crt');
  return { value, contentType: PEM_CONTENT_TYPE, x5t: thumbprintOf(leaf) };
}
