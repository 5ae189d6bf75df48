import { randomBytes, type X509Certificate } from 'node:crypto';
import { VaultError } from '../errors';
import { readCertificateMaterial, thumbprintOf } from './certificate-material';
import type {
  CertificateImport,
  CertificateItem,
  CertificatePolicyModel,
  CertificatePropertiesWrite,
  CertificateSecret,
  CertificateVersionInfo,
  CertificateWithPolicy,
  DeletedCertificateInfo,
} from './certificate-model';
import type { CertificateStore } from './certificate-store';
import {
  MemoryObjects,
  type MemoryStoreOptions,
  type StoredObject,
} from '../memory/memory-objects';

interface StoredVersion extends CertificateWithPolicy {
  readonly secret: string;
  readonly contentType: string;
}

/** The policy belongs to the certificate, not to a version. */
interface StoredCertificate extends StoredObject<StoredVersion> {
  policy: CertificatePolicyModel;
}

/** A version as the port shows it: no backing secret, certificate or policy. */
const infoOf = ({
  secret: _s,
  contentType: _c,
  cer: _cer,
  policy: _p,
  ...info
}: StoredVersion): CertificateVersionInfo => info;

/** What `seed` stores as is: material Key Vault itself produced (e.g. without an exportable key). */
export interface CertificateSeed {
  readonly value: string;
  readonly contentType: string;
  readonly policy: CertificatePolicyModel;
  readonly enabled?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /** Opens protected material to learn its thumbprint; the value is stored as given. */
  readonly password?: string;
}

/** Key Vault's policy for an imported certificate: issuer Unknown, renewal at 80% of life. */
const IMPORTED_LIFETIME_ACTIONS = [{ action: 'AutoRenew', lifetimePercentage: 80 }] as const;

/**
 * A real in-memory certificate vault with Key Vault's semantics for the operations the
 * converter uses: versions with a backing secret, imports that (as through the JS SDK) keep
 * the previous policy or get the default one, disabled certificates refusing secret reads,
 * soft delete blocking the name. Counts requests per operation.
 */
export class MemoryCertificateStore
  extends MemoryObjects<StoredVersion, StoredCertificate>
  implements CertificateStore
{
  /** Options as MemorySecretStore's: delete, recover and purge may finish later. */
  constructor(vaultName: string, options: MemoryStoreOptions = {}) {
    super(vaultName, 'Certificate', options);
  }

  listCertificates(): AsyncIterable<CertificateItem> {
    return this.requestListing((latest): CertificateItem => {
      const { version: _v, ...item } = infoOf(latest);
      return item;
    });
  }

  async getCertificate(name: string): Promise<CertificateWithPolicy> {
    this.request('get', name);
    const stored = this.live(name);
    const { secret: _s, contentType: _c, ...certificate } = stored.versions.at(-1)!;
    return { ...certificate, policy: stored.policy };
  }

  async getCertificateSecret(name: string, version?: string): Promise<CertificateSecret> {
    this.request('getSecret', name);
    const found = this.readable(name, version);
    return { version: found.version, value: found.secret, contentType: found.contentType };
  }

  async importCertificate(name: string, input: CertificateImport): Promise<CertificateVersionInfo> {
    this.request('import', name, { write: input, action: 'create' });
    if (input.password)
      throw this.badRequest(name, 'the in-memory store imports unprotected material only');
    let chain: readonly X509Certificate[];
    try {
      const material = readCertificateMaterial(input.value, input.contentType);
      if (!material.privateKey) throw new Error('no private key');
      chain = material.chain;
    } catch (error) {
      throw this.badRequest(name, `The specified certificate could not be read: ${String(error)}`);
    }
    const previous = this.objects.get(name.toLowerCase());
    const leaf = chain[0]!;
    const policy = previous?.policy ?? {
      issuerName: 'Unknown',
      subject: leaf.subject.split('\n').join(', '),
      contentType: input.contentType,
      exportable: true,
      lifetimeActions: IMPORTED_LIFETIME_ACTIONS,
    };
    return this.addCertificateVersion(name, input.value, input.contentType, policy, input);
  }

  /** Test helper: stores a version exactly as given (as Key Vault created it). */
  seed(name: string, seed: CertificateSeed): CertificateVersionInfo {
    return this.addCertificateVersion(
      name,
      seed.value,
      seed.contentType,
      seed.policy,
      { enabled: seed.enabled ?? true, tags: seed.tags ?? {} },
      seed.password,
    );
  }

  async updateProperties(
    name: string,
    version: string,
    write: CertificatePropertiesWrite,
  ): Promise<CertificateVersionInfo> {
    this.request('update', name, { write, action: 'write' });
    const updated = this.updateVersion(name, version, (current) => ({
      ...current,
      enabled: write.enabled,
      tags: { ...write.tags },
      updated: this.now(),
    }));
    return infoOf(updated);
  }

  async getPolicy(name: string): Promise<CertificatePolicyModel> {
    this.request('getPolicy', name);
    return this.live(name).policy;
  }

  async updatePolicy(name: string, policy: CertificatePolicyModel): Promise<void> {
    this.request('updatePolicy', name);
    this.live(name).policy = structuredClone(policy);
  }

  recoverDeletedCertificate(name: string): Promise<void> {
    return this.requestRecover(name);
  }

  /** Soft-deletes the certificate with its key and secret. */
  deleteCertificate(name: string): Promise<void> {
    return this.requestDelete(name);
  }

  getDeletedCertificate(name: string): Promise<DeletedCertificateInfo | undefined> {
    return this.requestDeleted(name, (stored, deleted) => {
      const { secret: _s, contentType: _c, ...latest } = stored.versions.at(-1)!;
      return { ...latest, policy: stored.policy, ...deleted };
    });
  }

  /** Test helper: soft-deletes the certificate (with its key and secret), uncounted, at once. */
  softDelete(name: string): void {
    this.deleteObject(name, false);
  }

  private addCertificateVersion(
    name: string,
    value: string,
    contentType: string,
    policy: CertificatePolicyModel,
    write: CertificatePropertiesWrite,
    password?: string,
  ): CertificateVersionInfo {
    const now = this.now();
    const version = this.addVersion(
      name,
      (storedName) => {
        const leaf = readCertificateMaterial(value, contentType, password).chain[0]!;
        return {
          name: storedName,
          version: randomBytes(16).toString('hex'),
          enabled: write.enabled,
          notBefore: Math.floor(new Date(leaf.validFrom).getTime() / 1000),
          expires: Math.floor(new Date(leaf.validTo).getTime() / 1000),
          created: now,
          updated: now,
          tags: { ...write.tags },
          x5t: thumbprintOf(leaf),
          cer: new Uint8Array(leaf.raw),
          policy,
          secret: value,
          contentType,
        };
      },
      (first) => ({ versions: [first], policy }),
    );
    return infoOf(version);
  }

  private badRequest(name: string, message: string): VaultError {
    return new VaultError('bad-request', message, {
      vault: this.vaultName,
      objectName: name,
      status: 400,
      serviceCode: 'BadParameter',
    });
  }
}
