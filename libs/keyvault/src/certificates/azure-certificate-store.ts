import type {
  CertificateClient,
  CertificateProperties,
  CertificatePolicy,
} from '@azure/keyvault-certificates';
import type { SecretClient } from '@azure/keyvault-secrets';
import { translateError } from '../azure/translate-error';
import { DEFAULT_RECOVER_POLL_MS, type AzureStoreOptions } from '../azure/azure-secret-store';
import type { VaultOperation } from '../permissions/required-role';
import { fromSdkPolicy, toSdkPolicy } from './azure-certificate-policy';
import { FirstRequestGate } from './first-request-gate';
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

const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : undefined);

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
  private readonly certificateGate = new FirstRequestGate();
  private readonly secretGate = new FirstRequestGate();

  constructor(
    readonly vaultName: string,
    private readonly certificates: CertificateClient,
    private readonly secrets: SecretClient,
    private readonly options: AzureStoreOptions = {},
  ) {}

  async *listCertificates(): AsyncIterable<CertificateItem> {
    try {
      const pages = this.certificates.listPropertiesOfCertificates().byPage();
      for (;;) {
        const page = await this.certificateGate.run(() => pages.next());
        if (page.done) return;
        for (const properties of page.value) yield toItem(properties);
      }
    } catch (error) {
      throw this.translate(error, undefined, 'certificates/list');
    }
  }

  getCertificate(name: string): Promise<CertificateWithPolicy> {
    return this.call(name, 'certificates/get', async () => {
      const certificate = await this.certificates.getCertificate(name);
      return {
        ...toVersion(certificate.properties),
        cer: certificate.cer ?? new Uint8Array(),
        policy: fromSdkPolicy(certificate.policy ?? {}),
      };
    });
  }

  getCertificateSecret(name: string, version?: string): Promise<CertificateSecret> {
    return this.call(
      name,
      'certificates/getSecret',
      async () => {
        const secret = await this.secrets.getSecret(name, version ? { version } : {});
        return {
          version: secret.properties.version ?? '',
          value: secret.value ?? '',
          contentType: secret.properties.contentType ?? '',
        };
      },
      this.secretGate,
    );
  }

  importCertificate(name: string, input: CertificateImport): Promise<CertificateVersionInfo> {
    return this.call(name, 'certificates/import', async () => {
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
    return this.call(name, 'certificates/update', async () => {
      const updated = await this.certificates.updateCertificateProperties(name, version, {
        enabled: write.enabled,
        tags: { ...write.tags },
      });
      return toVersion(updated.properties);
    });
  }

  getPolicy(name: string): Promise<CertificatePolicyModel> {
    return this.call(name, 'certificates/get', async () =>
      fromSdkPolicy(await this.certificates.getCertificatePolicy(name)),
    );
  }

  updatePolicy(name: string, policy: CertificatePolicyModel): Promise<void> {
    // 4.10.x resolves with an empty policy (it never parses the response): nothing to return.
    return this.call(name, 'certificates/update', async () => {
      await this.certificates.updateCertificatePolicy(
        name,
        toSdkPolicy(policy) as CertificatePolicy,
      );
    });
  }

  async deleteCertificate(name: string): Promise<void> {
    await this.call(name, 'certificates/delete', async () => {
      const poller = await this.certificates.beginDeleteCertificate(name, {
        intervalInMs: this.options.recoverPollMs ?? DEFAULT_RECOVER_POLL_MS,
      });
      await poller.pollUntilDone();
    });
  }

  async recoverDeletedCertificate(name: string): Promise<void> {
    await this.call(name, 'certificates/recover', async () => {
      const poller = await this.certificates.beginRecoverDeletedCertificate(name, {
        intervalInMs: this.options.recoverPollMs ?? DEFAULT_RECOVER_POLL_MS,
      });
      await poller.pollUntilDone();
    });
  }

  async getDeletedCertificate(name: string): Promise<DeletedCertificateInfo | undefined> {
    try {
      const deleted = await this.certificateGate.run(() =>
        this.certificates.getDeletedCertificate(name),
      );
      return {
        ...toVersion(deleted.properties),
        cer: deleted.cer ?? new Uint8Array(),
        policy: fromSdkPolicy(deleted.policy ?? {}),
        deletedOn: seconds(deleted.deletedOn),
        scheduledPurge: seconds(deleted.scheduledPurgeDate),
      };
    } catch (error) {
      // 404 (CertificateNotFound): not soft-deleted, or its delete is still running.
      const translated = this.translate(error, name, 'certificates/getDeleted');
      if (translated.kind === 'not-found') return undefined;
      throw translated;
    }
  }

  /** Each SDK client has its own challenge, hence its own gate. */
  private async call<T>(
    name: string,
    operation: VaultOperation,
    request: () => Promise<T>,
    gate: FirstRequestGate = this.certificateGate,
  ): Promise<T> {
    try {
      return await gate.run(request);
    } catch (error) {
      throw this.translate(error, name, operation);
    }
  }

  private translate(error: unknown, name: string | undefined, operation: VaultOperation) {
    return translateError(error, this.vaultName, name, {
      operation,
      identity: this.options.identity,
    });
  }
}
