import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  type CertificateContentType,
} from '../certificates/certificate-model';
import { thumbprintOf } from '../certificates/certificate-material';

export interface TestCertificateRequest {
  readonly subject: string;
  readonly dnsNames?: readonly string[];
  /** RSA 2048 (default) or EC P-256. */
  readonly keyType?: 'RSA' | 'EC';
  readonly format: 'pfx' | 'pem';
  /** PFX export password; PEM keys are then encrypted with it too. Default: none. */
  readonly password?: string;
  /** Issue the leaf from a generated CA and include the CA in the material. */
  readonly withChain?: boolean;
  readonly days?: number;
}

export interface TestCertificate {
  /** base64 PFX or PEM text, as Key Vault imports and stores them. */
  readonly value: string;
  readonly contentType: CertificateContentType;
  /** Leaf thumbprint, base64url (`x5t`). */
  readonly x5t: string;
  readonly leafPem: string;
  readonly caPem: string | undefined;
}

/**
 * Generates certificate material with the `openssl` command line (RSA and EC, optional CA
 * chain, PFX or PEM). For tests only: it writes keys to a private temp dir and removes it.
 */
export function createTestCertificate(request: TestCertificateRequest): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'akv-test-cert-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    const keyArgs = (out: string, ec: boolean) =>
      ec
        ? ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]
        : ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out];
    const days = String(request.days ?? 30);
    const san = (request.dnsNames ?? []).map((n) => `DNS:${n}`).join(',');
    const ext = san ? ['-addext', `subjectAltName=${san}`] : [];
    const subject = `/${request.subject.replace(/,\s*/g, '/')}`;
    openssl(...keyArgs(file('leaf.key'), request.keyType === 'EC'));
    if (request.withChain) {
      openssl(...keyArgs(file('ca.key'), false));
      openssl(
        'req',
        '-x509',
        '-key',
        file('ca.key'),
        '-out',
        file('ca.crt'),
        '-subj',
        '/CN=Test CA',
        '-days',
        days,
      );
      openssl(
        'req',
        '-new',
        '-key',
        file('leaf.key'),
        '-out',
        file('leaf.csr'),
        '-subj',
        subject,
        ...ext,
      );
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
        '-copy_extensions',
        'copy',
        '-days',
        days,
        '-out',
        file('leaf.crt'),
      );
    } else {
      openssl(
        'req',
        '-x509',
        '-key',
        file('leaf.key'),
        '-out',
        file('leaf.crt'),
        '-subj',
        subject,
        '-days',
        days,
        ...ext,
      );
    }
    const leafPem = readFileSync(file('leaf.crt'), 'utf8');
    const caPem = request.withChain ? readFileSync(file('ca.crt'), 'utf8') : undefined;
    const x5t = thumbprintOf(new X509Certificate(leafPem));
    if (request.format === 'pem') {
      const key = request.password
        ? openssl(
            'pkcs8',
            '-topk8',
            '-in',
            file('leaf.key'),
            '-passout',
            `pass:${request.password}`,
          ).toString()
        : readFileSync(file('leaf.key'), 'utf8');
      return {
        value: `${key}${leafPem}${caPem ?? ''}`,
        contentType: PEM_CONTENT_TYPE,
        x5t,
        leafPem,
        caPem,
      };
    }
    if (caPem) writeFileSync(file('chain.crt'), caPem);
    // SHA-1/3DES protection: what Key Vault itself writes, and what node-forge reads.
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      file('leaf.key'),
      '-in',
      file('leaf.crt'),
      ...(caPem ? ['-certfile', file('chain.crt')] : []),
      '-passout',
      `pass:${request.password ?? ''}`,
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
      '-out',
      file('out.pfx'),
    );
    return {
      value: readFileSync(file('out.pfx')).toString('base64'),
      contentType: PKCS12_CONTENT_TYPE,
      x5t,
      leafPem,
      caPem,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
