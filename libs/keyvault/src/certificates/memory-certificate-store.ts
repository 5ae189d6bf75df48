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
import { MemoryLifecycle } from '../memory/memory-lifecycle';
import { validateWrite } from '../memory/memory-validation';

interface StoredVersion extends CertificateWithPolicy {
  readonly secret: string;
  readonly contentType: string;
}

interface StoredCertificate {
  versions: StoredVersion[];
  policy: CertificatePolicyModel;
  deleted: boolean;
  /** Unix seconds of the soft delete (while `deleted`). */
  deletedOn?: number;
}

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
/** Key Vault's default soft-delete retention: 90 days (as MemorySecretStore's). */
const RETENTION_SECONDS = 90 * 86_400;

/**
 * A real in-memory certificate vault with Key Vault's semantics for the operations the
 * converter uses: versions with a backing secret, imports that (as through the JS SDK) keep
 * the previous policy or get the default one, disabled certificates refusing secret reads,
 * soft delete blocking the name. Counts requests per operation.
 */
export class MemoryCertificateStore implements CertificateStore {
  readonly requests = new Map<string, number>();
  private readonly certificates = new Map<string, StoredCertificate>();
  private readonly lifecycle: MemoryLifecycle;

  constructor(
    readonly vaultName: string,
    private readonly options: {
      now?: () => number;
      beforeRequest?: (operation: string, name?: string) => void;
      /** As MemorySecretStore's: delete, recover and purge finish this much later (ms). */
      lifecycleDelayMs?: number;
      nowMs?: () => number;
    } = {},
  ) {
    this.lifecycle = new MemoryLifecycle(options.lifecycleDelayMs ?? 0, options.nowMs ?? Date.now);
  }

  requestCount(...operations: string[]): number {
    let total = 0;
    for (const [operation, count] of this.requests)
      if (operations.length === 0 || operations.includes(operation)) total += count;
    return total;
  }

  async *listCertificates(): AsyncIterable<CertificateItem> {
    this.count('list');
    for (const [key, stored] of [...this.certificates].sort(([a], [b]) => a.localeCompare(b))) {
      const latest = stored.versions.at(-1);
      if (!latest || stored.deleted || this.lifecycle.pending(key) === 'recovering') continue;
      const { secret: _s, contentType: _c, cer: _cer, policy: _p, version: _v, ...item } = latest;
      yield item;
    }
  }

  async getCertificate(name: string): Promise<CertificateWithPolicy> {
    this.count('get', name);
    const stored = this.live(name);
    const { secret: _s, contentType: _c, ...certificate } = stored.versions.at(-1)!;
    return { ...certificate, policy: stored.policy };
  }

  async getCertificateSecret(name: string, version?: string): Promise<CertificateSecret> {
    this.count('getSecret', name);
    const versions = this.live(name).versions;
    const found = version ? versions.find((v) => v.version === version) : versions.at(-1);
    if (!found) throw this.notFound(name);
    if (!found.enabled)
      throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
        vault: this.vaultName,
        objectName: name,
        status: 403,
        serviceCode: 'Forbidden',
      });
    return { version: found.version, value: found.secret, contentType: found.contentType };
  }

  async importCertificate(name: string, input: CertificateImport): Promise<CertificateVersionInfo> {
    this.count('import', name);
    validateWrite(this.vaultName, name, input);
    this.lifecycle.assertSettled(this.vaultName, 'Certificate', name, 'create');
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
    const previous = this.certificates.get(name.toLowerCase());
    const leaf = chain[0]!;
    const policy = previous?.policy ?? {
      issuerName: 'Unknown',
      subject: leaf.subject.split('\n').join(', '),
      contentType: input.contentType,
      exportable: true,
      lifetimeActions: IMPORTED_LIFETIME_ACTIONS,
    };
    return this.addVersion(name, input.value, input.contentType, policy, input);
  }

  /** Test helper: stores a version exactly as given (as Key Vault created it). */
  seed(name: string, seed: CertificateSeed): CertificateVersionInfo {
    return this.addVersion(
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
    this.count('update', name);
    validateWrite(this.vaultName, name, write);
    this.lifecycle.assertSettled(this.vaultName, 'Certificate', name, 'write');
    const stored = this.live(name);
    const index = stored.versions.findIndex((v) => v.version === version);
    const current = stored.versions[index];
    if (!current) throw this.notFound(name);
    const updated = {
      ...current,
      enabled: write.enabled,
      tags: { ...write.tags },
      updated: this.now(),
    };
    stored.versions[index] = updated;
    const { secret: _s, contentType: _c, cer: _cer, policy: _p, ...info } = updated;
    return info;
  }

  async getPolicy(name: string): Promise<CertificatePolicyModel> {
    this.count('getPolicy', name);
    return this.live(name).policy;
  }

  async updatePolicy(name: string, policy: CertificatePolicyModel): Promise<void> {
    this.count('updatePolicy', name);
    this.live(name).policy = structuredClone(policy);
  }

  async recoverDeletedCertificate(name: string): Promise<void> {
    this.count('recover', name);
    this.lifecycle.assertSettled(this.vaultName, 'Certificate', name, 'recover');
    const stored = this.certificates.get(name.toLowerCase());
    if (!stored?.deleted || this.lifecycle.pending(name) === 'deleting') throw this.notFound(name);
    stored.deleted = false;
    delete stored.deletedOn;
    this.lifecycle.start(name, 'recovering');
  }

  async deleteCertificate(name: string): Promise<void> {
    this.count('delete', name);
    this.lifecycle.assertSettled(this.vaultName, 'Certificate', name, 'delete');
    this.markDeleted(name);
    this.lifecycle.start(name, 'deleting');
  }

  async getDeletedCertificate(name: string): Promise<DeletedCertificateInfo | undefined> {
    this.count('getDeleted', name);
    const stored = this.certificates.get(name.toLowerCase());
    // Key Vault shows a deleted certificate only once its delete has finished.
    if (!stored?.deleted || this.lifecycle.pending(name) === 'deleting') return undefined;
    const { secret: _s, contentType: _c, ...latest } = stored.versions.at(-1)!;
    const deletedOn = stored.deletedOn ?? this.now();
    return {
      ...latest,
      policy: stored.policy,
      deletedOn,
      scheduledPurge: deletedOn + RETENTION_SECONDS,
    };
  }

  /**
   * Key Vault's purge of a soft-deleted certificate (with its key and secret); not on the port.
   * Not soft-deleted → `not-found`; still being deleted → `being-deleted`.
   */
  purge(name: string): void {
    this.lifecycle.assertSettled(this.vaultName, 'Certificate', name, 'purge');
    const stored = this.certificates.get(name.toLowerCase());
    if (!stored?.deleted) throw this.notFound(name);
    this.certificates.delete(name.toLowerCase());
    this.lifecycle.start(name, 'purging');
  }

  /** Test helper: soft-deletes the certificate (with its key and secret), uncounted. */
  softDelete(name: string): void {
    this.markDeleted(name);
  }

  private markDeleted(name: string): void {
    const stored = this.live(name);
    stored.deleted = true;
    stored.deletedOn = this.now();
  }

  private addVersion(
    name: string,
    value: string,
    contentType: string,
    policy: CertificatePolicyModel,
    write: CertificatePropertiesWrite,
    password?: string,
  ): CertificateVersionInfo {
    const key = name.toLowerCase();
    const existing = this.certificates.get(key);
    if (existing?.deleted)
      throw new VaultError(
        'deleted-recoverable',
        `Certificate ${name} is currently in a deleted but recoverable state.`,
        {
          vault: this.vaultName,
          objectName: name,
          status: 409,
          serviceCode: 'ObjectIsDeletedButRecoverable',
        },
      );
    const leaf = readCertificateMaterial(value, contentType, password).chain[0]!;
    const now = this.now();
    const version: StoredVersion = {
      name: existing?.versions[0]?.name ?? name,
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
    if (existing) existing.versions.push(version);
    else this.certificates.set(key, { versions: [version], policy, deleted: false });
    const { secret: _s, contentType: _c, cer: _cer, policy: _p, ...info } = version;
    return info;
  }

  private now(): number {
    return this.options.now?.() ?? Math.floor(Date.now() / 1000);
  }

  private live(name: string): StoredCertificate {
    const stored = this.certificates.get(name.toLowerCase());
    if (!stored || stored.deleted || this.lifecycle.pending(name) === 'recovering')
      throw this.notFound(name);
    return stored;
  }

  private notFound(name: string): VaultError {
    return new VaultError(
      'not-found',
      `A certificate with (name/id) ${name} was not found in this key vault.`,
      {
        vault: this.vaultName,
        objectName: name,
        status: 404,
        serviceCode: 'CertificateNotFound',
      },
    );
  }

  private badRequest(name: string, message: string): VaultError {
    return new VaultError('bad-request', message, {
      vault: this.vaultName,
      objectName: name,
      status: 400,
      serviceCode: 'BadParameter',
    });
  }

  private count(operation: string, name?: string): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    this.options.beforeRequest?.(operation, name);
  }
}
