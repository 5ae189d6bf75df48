import type {
  CertificateClient,
  CertificateProperties,
  CertificatePolicy,
} from '@azure/keyvault-certificates';
import type { SecretClient } from '@azure/keyvault-secrets';
import { ClientRequests, seconds, type AzureStoreOptions } from '../azure/client-requests';
import { fromSdkPolicy, toSdkPolicy } from './azure-certificate-policy';
import {
  PEM_CONTENT_TYPE,
  type CertificateImport,
  type CertificateItem,
  type CertificatePolicyModel,
  type CertificatePropertiesWrite,
  type CertificateSecret,
  type CertificateVersionInfo,
  type CertificateWithPolicy,
  type DeletedCertificateInfo,
} from './certificate-model';
import type { CertificateStore } from './certificate-store';

function toItem(p: CertificateProperties): CertificateItem {
  return {
    name: p.name ?? '',
    enabled: p.enabled ?? true,
    notBefore: seconds(p.notBefore),
    expires: seconds(p.expiresOn),
    created: seconds(p.createdOn) ?? 0,
    updated: seconds(p.updatedOn) ?? 0,
    tags: { ...p.tags },
    x5t: p.x509Thumbprint ? Buffer.from(p.x509Thumbprint).toString('base64url') : '',
  };
}

const toVersion = (p: CertificateProperties): CertificateVersionInfo => ({
  ...toItem(p),
  version: p.version ?? '',
});

/**
 * The CertificateStore port over the unmodified `@azure/keyvault-certificates` client; the
 * backing secret is read with a SecretClient on the same vault (Key Vault serves it there).
 */
export class AzureCertificateStore implements CertificateStore {
  /** Each SDK client has its own auth challenge, hence its own first-request gate. */
  private readonly requests: ClientRequests;
  private readonly secretRequests: ClientRequests;

  constructor(
    readonly vaultName: string,
    private readonly certificates: CertificateClient,
    private readonly secrets: SecretClient,
    options: AzureStoreOptions = {},
  ) {
    this.requests = new ClientRequests(vaultName, options);
    this.secretRequests = new ClientRequests(vaultName, options);
  }

  listCertificates(): AsyncIterable<CertificateItem> {
    const pages = this.certificates.listPropertiesOfCertificates().byPage();
    return this.requests.list(undefined, 'certificates/list', pages, toItem);
  }

  getCertificate(name: string): Promise<CertificateWithPolicy> {
    return this.requests.call(name, 'certificates/get', async () => {
      const certificate = await this.certificates.getCertificate(name);
      return {
        ...toVersion(certificate.properties),
        cer: certificate.cer ?? new Uint8Array(),
        policy: fromSdkPolicy(certificate.policy ?? {}),
      };
    });
  }

  getCertificateSecret(name: string, version?: string): Promise<CertificateSecret> {
    return this.secretRequests.call(name, 'certificates/getSecret', async () => {
      const secret = await this.secrets.getSecret(name, version ? { version } : {});
      return {
        version: secret.properties.version ?? '',
        value: secret.value ?? '',
        contentType: secret.properties.contentType ?? '',
      };
    });
  }

  importCertificate(name: string, input: CertificateImport): Promise<CertificateVersionInfo> {
    return this.requests.call(name, 'certificates/import', async () => {
      const pem = input.contentType === PEM_CONTENT_TYPE;
      // The SDK sends PEM as text and PFX as base64 according to the policy's content type
      // (the only part of the import policy it uses; it drops the rest).
      const bytes = pem ? Buffer.from(input.value, 'utf8') : Buffer.from(input.value, 'base64');
      const imported = await this.certificates.importCertificate(name, bytes, {
        policy: { contentType: input.contentType },
        enabled: input.enabled,
        tags: { ...input.tags },
        ...(input.password !== undefined ? { password: input.password } : {}),
      });
      return toVersion(imported.properties);
    });
  }

  updateProperties(
    name: string,
    version: string,
    write: CertificatePropertiesWrite,
  ): Promise<CertificateVersionInfo> {
    return this.requests.call(name, 'certificates/update', async () => {
      const updated = await this.certificates.updateCertificateProperties(name, version, {
        enabled: write.enabled,
        tags: { ...write.tags },
      });
      return toVersion(updated.properties);
    });
  }

  getPolicy(name: string): Promise<CertificatePolicyModel> {
    return this.requests.call(name, 'certificates/get', async () =>
      fromSdkPolicy(await this.certificates.getCertificatePolicy(name)),
    );
  }

  updatePolicy(name: string, policy: CertificatePolicyModel): Promise<void> {
    // 4.10.x resolves with an empty policy (it never parses the response): nothing to return.
    return this.requests.call(name, 'certificates/update', async () => {
      await this.certificates.updateCertificatePolicy(
        name,
        toSdkPolicy(policy) as CertificatePolicy,
      );
    });
  }

  async deleteCertificate(name: string): Promise<void> {
    await this.requests.untilDone(name, 'certificates/delete', (polling) =>
      this.certificates.beginDeleteCertificate(name, polling),
    );
  }

  async recoverDeletedCertificate(name: string): Promise<void> {
    await this.requests.untilDone(name, 'certificates/recover', (polling) =>
      this.certificates.beginRecoverDeletedCertificate(name, polling),
    );
  }

  /** Undefined on 404 (CertificateNotFound): not soft-deleted, or its delete is still running. */
  getDeletedCertificate(name: string): Promise<DeletedCertificateInfo | undefined> {
    return this.requests.deleted(name, 'certificates/getDeleted', async () => {
      const deleted = await this.certificates.getDeletedCertificate(name);
      return {
        ...toVersion(deleted.properties),
        cer: deleted.cer ?? new Uint8Array(),
        policy: fromSdkPolicy(deleted.policy ?? {}),
        deletedOn: seconds(deleted.deletedOn),
        scheduledPurge: seconds(deleted.scheduledPurgeDate),
      };
    });
  }
}
