import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** PEM material for a TLS server whose certificate chains to {@link CertificateAuthority.certPem}. */
export interface ServerTlsMaterial {
  readonly key: string;
  readonly cert: string;
}

/** A CA generated at start (or supplied) that issues the emulator's loopback server certificate. */
export interface CertificateAuthority {
  /** The CA certificate, PEM; clients trust it through `tlsOptions: { ca }`. */
  readonly certPem: string;
  /** The CA private key, PEM (kept so a state directory can reuse the CA). */
  readonly keyPem: string;
  /**
   * Issues a server certificate valid for 127.0.0.1, ::1, localhost and `extraHosts` (host
   * names or IP addresses, e.g. the emulator's name on a container network).
   */
  issueServerCertificate(extraHosts?: readonly string[]): ServerTlsMaterial;
}

/** PEM CA certificate + private key, for callers who want a stable CA across runs. */
export interface CertificateAuthorityPem {
  readonly certPem: string;
  readonly keyPem: string;
}

const CA_VALIDITY_DAYS = 365;
const SERVER_VALIDITY_DAYS = 30;

/** RSA keys come from Node's native generator: node-forge's pure-JS one takes seconds. */
function generateRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function serialNumber(): string {
  // A positive serial: clear the top bit so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + days * 86_400_000);
}

const LOOPBACK_NAMES = ['127.0.0.1', '::1', 'localhost'];

/** SAN entries: type 7 (IP address) for addresses, type 2 (DNS name) otherwise. */
function subjectAltNames(extraHosts: readonly string[]) {
  const hosts = [...new Set([...LOOPBACK_NAMES, ...extraHosts])];
  return hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
}

/** Generates a fresh CA, or wraps a supplied one. */
export function createCertificateAuthority(
  supplied?: CertificateAuthorityPem,
): CertificateAuthority {
  const caKeyPem = supplied?.keyPem ?? generateRsaKeyPem();
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  let caCert: forge.pki.Certificate;
  if (supplied) {
    caCert = forge.pki.certificateFromPem(supplied.certPem);
  } else {
    caCert = forge.pki.createCertificate();
    caCert.publicKey = forge.pki.setRsaPublicKey(caKey.n, caKey.e);
    caCert.serialNumber = serialNumber();
    validity(caCert, CA_VALIDITY_DAYS);
    const subject = [{ name: 'commonName', value: 'akv-replicator keyvault-emulator CA' }];
    caCert.setSubject(subject);
    caCert.setIssuer(subject);
    caCert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    caCert.sign(caKey, forge.md.sha256.create());
  }
  const certPem = supplied?.certPem ?? forge.pki.certificateToPem(caCert);

  return {
    certPem,
    keyPem: caKeyPem,
    issueServerCertificate(extraHosts: readonly string[] = []): ServerTlsMaterial {
      const keyPem = generateRsaKeyPem();
      const key = forge.pki.privateKeyFromPem(keyPem);
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
      cert.serialNumber = serialNumber();
      validity(cert, SERVER_VALIDITY_DAYS);
      cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: subjectAltNames(extraHosts),
        },
      ]);
      cert.sign(caKey, forge.md.sha256.create());
      return { key: keyPem, cert: forge.pki.certificateToPem(cert) };
    },
  };
}
