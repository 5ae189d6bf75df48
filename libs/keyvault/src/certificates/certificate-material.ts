import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { ReplicatorError } from '@akv-replicator/core';
import { PEM_CONTENT_TYPE } from './certificate-model';

/** A certificate chain (leaf first) and its private key, when the material carries one. */
export interface CertificateMaterial {
  readonly chain: readonly X509Certificate[];
  readonly privateKey: KeyObject | undefined;
}

export type CertificateMaterialProblem = 'password-protected' | 'unreadable';

/** Key material that cannot be used as is; never retryable (the bytes won't change). */
export class CertificateMaterialError extends ReplicatorError {
  override readonly name = 'CertificateMaterialError';
  readonly problem: CertificateMaterialProblem;

  constructor(problem: CertificateMaterialProblem, message: string, cause?: unknown) {
    super(message, {
      code: problem === 'password-protected' ? 'PasswordProtected' : 'CertificateUnreadable',
      fields: { problem },
      cause,
    });
    this.problem = problem;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Reads PFX (base64) or PEM material as Key Vault stores it in a certificate's backing
 * secret. node-forge opens PKCS#12 (Node cannot); RSA and EC keys both come out as Node
 * KeyObjects. Throws CertificateMaterialError for encrypted or unreadable material.
 */
export function readCertificateMaterial(
  value: string,
  contentType: string | undefined,
  password?: string,
): CertificateMaterial {
  const text = value.trimStart();
  const material =
    contentType === PEM_CONTENT_TYPE || text.startsWith('-----BEGIN')
      ? readPem(text, password)
      : readPfx(value, password);
  if (material.chain.length === 0)
    throw new CertificateMaterialError('unreadable', 'the material holds no X.509 certificate');
  return material;
}

function readPem(text: string, password: string | undefined): CertificateMaterial {
  const certificates: X509Certificate[] = [];
  let privateKey: KeyObject | undefined;
  for (const [block, label] of text.matchAll(PEM_BLOCK)) {
    try {
      if (label === 'CERTIFICATE') certificates.push(new X509Certificate(block));
      else if (label === 'ENCRYPTED PRIVATE KEY') {
        if (password === undefined)
          throw new CertificateMaterialError(
            'password-protected',
            'the private key is encrypted (password-protected PEM)',
          );
        privateKey = createPrivateKey({ key: block, passphrase: password });
      } else if (label?.endsWith('PRIVATE KEY')) privateKey = createPrivateKey(block);
    } catch (error) {
      if (error instanceof CertificateMaterialError) throw error;
      throw new CertificateMaterialError('unreadable', `unreadable PEM ${label} block`, error);
    }
  }
  return { chain: leafFirst(certificates, privateKey), privateKey };
}

function readPfx(base64: string, password: string | undefined): CertificateMaterial {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(Buffer.from(base64, 'base64').toString('binary'));
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|MAC could not be verified|decrypt/i.test(message))
      throw new CertificateMaterialError(
        'password-protected',
        'the PFX is protected by a password other than the empty one',
        error,
      );
    throw new CertificateMaterialError('unreadable', 'unreadable PKCS#12 (PFX)', error);
  }
  const certificates: X509Certificate[] = [];
  let privateKey: KeyObject | undefined;
  for (const content of pfx.safeContents) {
    for (const bag of content.safeBags) {
      // forge parses RSA only; other algorithms (EC) come back as raw ASN.1, which Node reads.
      const raw = bag as { asn1?: forge.asn1.Asn1 };
      if (bag.type === forge.pki.oids.certBag) {
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : raw.asn1;
        if (asn1) certificates.push(new X509Certificate(derOf(asn1)));
      } else if (
        bag.type === forge.pki.oids.keyBag ||
        bag.type === forge.pki.oids.pkcs8ShroudedKeyBag
      ) {
        const asn1 = bag.key
          ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
          : raw.asn1;
        if (asn1) privateKey = createPrivateKey({ key: derOf(asn1), format: 'der', type: 'pkcs8' });
      }
    }
  }
  return { chain: leafFirst(certificates, privateKey), privateKey };
}

const derOf = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');

/** Key Vault puts the leaf (the certificate matching the key) first. */
function leafFirst(
  certificates: readonly X509Certificate[],
  key: KeyObject | undefined,
): X509Certificate[] {
  if (!key) return [...certificates];
  const leaf = certificates.find((certificate) => certificate.checkPrivateKey(key));
  return leaf ? [leaf, ...certificates.filter((c) => c !== leaf)] : [...certificates];
}

/** `x5t`: SHA-1 thumbprint of the DER certificate, base64url (as Key Vault reports it). */
export function thumbprintOf(certificate: X509Certificate): string {
  return Buffer.from(certificate.fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
}
