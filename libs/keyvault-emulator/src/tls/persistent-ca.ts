import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  type CertificateAuthority,
  type CertificateAuthorityPem,
} from './certificate-authority';

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The emulator's CA: the supplied one, else the one saved in `stateDir` by an earlier run (so
 * processes started with NODE_EXTRA_CA_CERTS keep trusting restarts), else a new one — saved
 * to `stateDir` when given (the key readable by the owner only).
 */
export async function loadOrCreateCertificateAuthority(
  stateDir: string | undefined,
  supplied: CertificateAuthorityPem | undefined,
): Promise<CertificateAuthority> {
  if (supplied || !stateDir) return createCertificateAuthority(supplied);
  const certPem = await readIfPresent(join(stateDir, CA_CERT_FILE));
  const keyPem = await readIfPresent(join(stateDir, CA_KEY_FILE));
  if (certPem && keyPem) return createCertificateAuthority({ certPem, keyPem });
  const authority = createCertificateAuthority();
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, CA_KEY_FILE), authority.keyPem, { mode: 0o600 });
  await writeFile(join(stateDir, CA_CERT_FILE), authority.certPem);
  return authority;
}
