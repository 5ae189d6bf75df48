import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestKeyType = 'RSA' | 'P-256' | 'P-384';

export interface OpensslMaterial {
  /** PKCS#8 PEM of the leaf key. */
  readonly keyPem: string;
  readonly leafPem: string;
  readonly caPem: string;
  /** base64 PKCS#12: key, leaf and CA, empty password (as Key Vault writes it). */
  readonly pfxBase64: string;
}

const keyArgs = (type: TestKeyType, out: string) =>
  type === 'RSA'
    ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out]
    : ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${type}`, '-out', out];

/**
 * A leaf issued by a CA, both made with the openssl command line (forge cannot sign with EC
 * keys). Tests only: the keys live in a private temp dir removed before returning.
 */
export function opensslMaterial(
  subject: string,
  leafKey: TestKeyType,
  caKey: TestKeyType,
): OpensslMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'kv-emulator-test-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(...keyArgs(caKey, file('ca.key')));
    openssl(
      'req',
      '-x509',
      '-key',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-subj',
      '/CN=Test EC CA',
      '-days',
      '30',
    );
    openssl(...keyArgs(leafKey, file('leaf.key')));
    openssl(
      'req',
      '-new',
      '-key',
      file('leaf.key'),
      '-out',
      file('leaf.csr'),
      '-subj',
      `/CN=${subject}`,
    );
    writeFileSync(file('ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n');
    openssl(
      'x509',
      '-req',
      '-in',
      file('leaf.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('leaf.crt'),
      '-days',
      '30',
      '-extfile',
      file('ext'),
    );
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      file('leaf.key'),
      '-in',
      file('leaf.crt'),
      '-certfile',
      file('ca.crt'),
      '-out',
      file('out.pfx'),
      '-passout',
      'pass:',
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
    );
    return {
      keyPem: readFileSync(file('leaf.key'), 'utf8'),
      leafPem: readFileSync(file('leaf.crt'), 'utf8'),
      caPem: readFileSync(file('ca.crt'), 'utf8'),
      pfxBase64: readFileSync(file('out.pfx')).toString('base64'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
