import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { errors } from '../errors';

/** A certificate chain (leaf first) with its private key, if known. */
export interface CertificateMaterial {
  readonly chain: readonly forge.pki.Certificate[];
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string | undefined;
}

export const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';
export const PEM_CONTENT_TYPE = 'application/x-pem-file';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** True when the imported value is PEM text (the JS SDK sends PEM as text or base64 of it). */
function pemTextOf(value: string): string | undefined {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return decoded.trimStart().startsWith('-----BEGIN') ? decoded : undefined;
}

function toPkcs8Pem(key: forge.pki.PrivateKey): string {
  const info = forge.pki.wrapRsaPrivateKey(
    forge.pki.privateKeyToAsn1(key as forge.pki.rsa.PrivateKey),
  );
  return forge.pki.privateKeyInfoToPem(info);
}

function parsePem(text: string): CertificateMaterial {
  const chain: forge.pki.Certificate[] = [];
  let privateKeyPem: string | undefined;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, label] = match;
    if (label === 'CERTIFICATE') chain.push(forge.pki.certificateFromPem(block));
    else if (label === 'PRIVATE KEY' || label === 'RSA PRIVATE KEY')
      privateKeyPem = toPkcs8Pem(forge.pki.privateKeyFromPem(block));
  }
  return { chain, privateKeyPem };
}

function parsePfx(base64: string, password: string | undefined): CertificateMaterial {
  const asn1 = forge.asn1.fromDer(forge.util.decode64(base64));
  const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  const certBags = pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [];
  const keyBags = [
    ...(pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
      forge.pki.oids.pkcs8ShroudedKeyBag!
    ] ?? []),
    ...(pfx.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag!] ?? []),
  ];
  const key = keyBags.find((bag) => bag.key)?.key;
  const certs = certBags.flatMap((bag) => (bag.cert ? [bag.cert] : []));
  // Put the leaf (the certificate matching the key) first, as Key Vault does.
  if (key) {
    const modulus = (key as forge.pki.rsa.PrivateKey).n.toString(16);
    certs.sort(
      (a, b) =>
        Number((b.publicKey as forge.pki.rsa.PublicKey).n.toString(16) === modulus) -
        Number((a.publicKey as forge.pki.rsa.PublicKey).n.toString(16) === modulus),
    );
  }
  return { chain: certs, privateKeyPem: key ? toPkcs8Pem(key) : undefined };
}

/**
 * Parses an import request's `value`: PEM (text or base64 of it — recognised by content,
 * since the JS SDK drops the import policy) or base64 PKCS#12 with an optional password.
 */
export function parseImportedCertificate(
  value: unknown,
  password: unknown,
): { material: CertificateMaterial; isPem: boolean } {
  if (typeof value !== 'string' || value.length === 0)
    throw errors.badParameter('The certificate value is missing.');
  const pem = pemTextOf(value);
  let material: CertificateMaterial;
  try {
    material = pem
      ? parsePem(pem)
      : parsePfx(value, typeof password === 'string' ? password : undefined);
  } catch (cause) {
    throw errors.badParameter(
      `The specified certificate could not be read: ${(cause as Error).message}`,
    );
  }
  if (material.chain.length === 0)
    throw errors.badParameter('The specified certificate contains no X.509 certificate.');
  if (!material.privateKeyPem)
    throw errors.badParameter(
      'The specified certificate has no private key; Key Vault imports certificates with their key.',
    );
  return { material, isPem: pem !== undefined };
}

/** Options for a self-signed certificate, from the policy. */
export interface SelfSignedRequest {
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly validityMonths: number;
  readonly keySize: number;
  readonly nowMs: number;
}

function subjectAttributes(subject: string): forge.pki.CertificateField[] {
  return subject
    .split(/,(?=\s*[A-Za-z]+=)/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type, ...rest] = part.split('=');
      return { shortName: type!.trim().toUpperCase(), value: rest.join('=') };
    });
}

/** Issues a self-signed RSA certificate (Node generates the key; forge builds the X.509). */
export function createSelfSigned(request: SelfSignedRequest): CertificateMaterial {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: request.keySize });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = new Date(request.nowMs - 5 * 60_000);
  const notAfter = new Date(request.nowMs);
  notAfter.setUTCMonth(notAfter.getUTCMonth() + request.validityMonths);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attributes = subjectAttributes(request.subject);
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    ...(request.dnsNames.length > 0
      ? [
          {
            name: 'subjectAltName',
            altNames: request.dnsNames.map((value) => ({ type: 2, value })),
          },
        ]
      : []),
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { chain: [cert], privateKeyPem };
}

export function derOf(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

/** `x5t`: SHA-1 of the DER, base64url. */
export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}

/** `CN=…, O=…` as Key Vault renders subjects. */
export function subjectOf(cert: forge.pki.Certificate): string {
  return cert.subject.attributes
    .map((a) => `${a.shortName ?? a.name}=${String(a.value)}`)
    .join(', ');
}

/**
 * The backing secret's value: base64 PKCS#12 (empty password, as Key Vault) or PEM
 * (PKCS#8 key then the chain). Without a key when the policy marks it not exportable.
 */
export function secretValueOf(
  material: CertificateMaterial,
  contentType: string,
  includeKey: boolean,
): string {
  const keyPem = includeKey ? material.privateKeyPem : undefined;
  if (contentType === PEM_CONTENT_TYPE) {
    return (
      [keyPem?.trim(), ...material.chain.map((c) => forge.pki.certificateToPem(c).trim())]
        .filter(Boolean)
        .join('\n') + '\n'
    );
  }
  const key = keyPem ? forge.pki.privateKeyFromPem(keyPem) : null;
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [...material.chain], '', {
    algorithm: '3des',
    generateLocalKeyId: true,
  });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/** The public RSA key as JWK members (`n`, `e`, base64url). */
export function publicJwkOf(cert: forge.pki.Certificate): Record<string, string> {
  const key = cert.publicKey as forge.pki.rsa.PublicKey;
  const toB64url = (hex: string) =>
    Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
  return { kty: 'RSA', n: toB64url(key.n.toString(16)), e: toB64url(key.e.toString(16)) };
}
