import { execFileSync } from 'node:child_process';
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { errors } from '../errors';

/**
 * A certificate chain (leaf first) with its private key, if known. Certificates are Node
 * X509Certificates so that RSA and EC (P-256, P-384) material are handled alike; forge only
 * opens and writes PKCS#12 around them.
 */
export interface CertificateMaterial {
  readonly chain: readonly X509Certificate[];
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

const pkcs8PemOf = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Key Vault puts the leaf (the certificate matching the key) first. */
function leafFirst(chain: X509Certificate[], key: KeyObject | undefined): X509Certificate[] {
  if (!key) return chain;
  const leaf = chain.findIndex((cert) => cert.checkPrivateKey(key));
  return leaf <= 0 ? chain : [chain[leaf]!, ...chain.filter((_, i) => i !== leaf)];
}

function parsePem(text: string): CertificateMaterial {
  const chain: X509Certificate[] = [];
  let key: KeyObject | undefined;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, label] = match;
    if (label === 'CERTIFICATE') chain.push(new X509Certificate(block));
    // PKCS#8, PKCS#1 (RSA) and SEC1 (EC) keys.
    else if (label?.endsWith('PRIVATE KEY') && !label.startsWith('ENCRYPTED'))
      key = createPrivateKey(block);
  }
  return { chain: leafFirst(chain, key), privateKeyPem: key ? pkcs8PemOf(key) : undefined };
}

const derOfAsn1 = (asn1: forge.asn1.Asn1) =>
  Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');

function parsePfx(base64: string, password: string | undefined): CertificateMaterial {
  const asn1 = forge.asn1.fromDer(forge.util.decode64(base64));
  const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  const chain: X509Certificate[] = [];
  let key: KeyObject | undefined;
  for (const content of pfx.safeContents) {
    for (const bag of content.safeBags) {
      // forge parses RSA only; EC certificates and keys come back as raw ASN.1, which Node reads.
      const raw = (bag as { asn1?: forge.asn1.Asn1 }).asn1;
      if (bag.type === forge.pki.oids.certBag) {
        const cert = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : raw;
        if (cert) chain.push(new X509Certificate(derOfAsn1(cert)));
      } else if (
        bag.type === forge.pki.oids.keyBag ||
        bag.type === forge.pki.oids.pkcs8ShroudedKeyBag
      ) {
        const info = bag.key
          ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
          : raw;
        if (info) key = createPrivateKey({ key: derOfAsn1(info), format: 'der', type: 'pkcs8' });
      }
    }
  }
  return { chain: leafFirst(chain, key), privateKeyPem: key ? pkcs8PemOf(key) : undefined };
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

/**
 * `ms` plus `months` calendar months, clamped to the target month's last day: 31 January + 1
 * month is 28/29 February, not 2/3 March as `Date#setUTCMonth` would overflow to.
 */
export function addUtcMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
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
  const notAfter = new Date(addUtcMonths(request.nowMs, request.validityMonths));
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
  return { chain: [new X509Certificate(forge.pki.certificateToPem(cert))], privateKeyPem };
}

export function derOf(cert: X509Certificate): Buffer {
  return cert.raw;
}

/** `x5t`: SHA-1 of the DER, base64url. */
export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}

/** `CN=…, O=…` as Key Vault renders subjects. */
export function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').filter(Boolean).join(', ');
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
      [keyPem?.trim(), ...material.chain.map((c) => c.toString().trim())]
        .filter(Boolean)
        .join('\n') + '\n'
    );
  }
  const allRsa =
    (!keyPem || createPrivateKey(keyPem).asymmetricKeyType === 'rsa') &&
    material.chain.every((c) => c.publicKey.asymmetricKeyType === 'rsa');
  if (!allRsa) return opensslPfx(keyPem, material.chain);
  const key = keyPem ? forge.pki.privateKeyFromPem(keyPem) : null;
  const certs = material.chain.map((c) => forge.pki.certificateFromPem(c.toString()));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, '', {
    algorithm: '3des',
    generateLocalKeyId: true,
  });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/**
 * forge writes RSA only: EC material is exported by the openssl command line (empty
 * password, 3DES and SHA-1 as Key Vault writes it; `-legacy` is not needed for these).
 */
function opensslPfx(keyPem: string | undefined, chain: readonly X509Certificate[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kv-emulator-pfx-'));
  try {
    writeFileSync(
      join(dir, 'in.pem'),
      [keyPem ?? '', ...chain.map((c) => c.toString())].join('\n'),
      {
        mode: 0o600,
      },
    );
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-in',
        join(dir, 'in.pem'),
        ...(keyPem ? [] : ['-nokeys']),
        '-out',
        join(dir, 'out.pfx'),
        '-passout',
        'pass:',
        '-keypbe',
        'PBE-SHA1-3DES',
        '-certpbe',
        'PBE-SHA1-3DES',
        '-macalg',
        'sha1',
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(dir, 'out.pfx')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The public key as JWK members: `n`, `e` (RSA) or `crv`, `x`, `y` (EC). */
export function publicJwkOf(cert: X509Certificate): Record<string, string> {
  const jwk = cert.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return jwk.kty === 'EC'
    ? { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! }
    : { kty: 'RSA', n: jwk.n!, e: jwk.e! };
}

/** The policy's key_props for a certificate's key (what Key Vault reports after an import). */
export function keyPropsOf(cert: X509Certificate): {
  kty: string;
  key_size?: number;
  crv?: string;
} {
  const details = cert.publicKey.asymmetricKeyDetails ?? {};
  if (cert.publicKey.asymmetricKeyType === 'ec') {
    const crv = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[
      details.namedCurve ?? ''
    ];
    return { kty: 'EC', ...(crv ? { crv } : {}) };
  }
  return { kty: 'RSA', ...(details.modulusLength ? { key_size: details.modulusLength } : {}) };
}
