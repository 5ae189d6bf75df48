import type { SecretClient, SecretProperties } from '@azure/keyvault-secrets';
import type {
  DeletedSecretInfo,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from '../model';
import type { SecretStore } from '../secret-store';
import {
  ClientRequests,
  sdkDate as date,
  seconds,
  type AzureStoreOptions,
} from './client-requests';

function toItem(p: SecretProperties): SecretItem {
  return {
    name: p.name,
    enabled: p.enabled ?? true,
    notBefore: seconds(p.notBefore),
    expires: seconds(p.expiresOn),
    // An empty content type is how an update clears one: the same as none.
    contentType: p.contentType || undefined,
    tags: { ...p.tags },
    created: seconds(p.createdOn) ?? 0,
    updated: seconds(p.updatedOn) ?? 0,
    managed: p.managed ?? false,
  };
}

function toVersion(p: SecretProperties): SecretVersionInfo {
  return { ...toItem(p), version: p.version ?? '' };
}

/** The SecretStore port over the unmodified `@azure/keyvault-secrets` SecretClient. */
export class AzureSecretStore implements SecretStore {
  private readonly requests: ClientRequests;

  constructor(
    readonly vaultName: string,
    private readonly client: SecretClient,
    options: AzureStoreOptions = {},
  ) {
    this.requests = new ClientRequests(vaultName, options);
  }

  listSecrets(): AsyncIterable<SecretItem> {
    const pages = this.client.listPropertiesOfSecrets().byPage();
    return this.requests.list(undefined, 'secrets/list', pages, toItem);
  }

  async getSecret(name: string, version?: string): Promise<SecretWithValue> {
    return this.requests.call(name, 'secrets/get', async () => {
      const secret = await this.client.getSecret(name, version ? { version } : {});
      return { ...toVersion(secret.properties), value: secret.value ?? '' };
    });
  }

  listSecretVersions(name: string): AsyncIterable<SecretVersionInfo> {
    const pages = this.client.listPropertiesOfSecretVersions(name).byPage();
    return this.requests.list(name, 'secrets/list', pages, toVersion);
  }

  async getLatestProperties(name: string): Promise<SecretVersionInfo> {
    return this.requests.call(name, 'secrets/list', async () => {
      // The latest version is the newest created; versions list in no defined order.
      let latest: SecretProperties | undefined;
      for await (const version of this.client.listPropertiesOfSecretVersions(name)) {
        if (!latest || (version.createdOn?.getTime() ?? 0) >= (latest.createdOn?.getTime() ?? 0))
          latest = version;
      }
      if (!latest)
        throw Object.assign(
          new Error(`A secret with (name/id) ${name} was not found in this key vault.`),
          { statusCode: 404, code: 'SecretNotFound' },
        );
      return toVersion(latest);
    });
  }

  async setSecret(name: string, value: string, write: SecretWrite): Promise<SecretVersionInfo> {
    return this.requests.call(name, 'secrets/set', async () => {
      const secret = await this.client.setSecret(name, value, {
        enabled: write.enabled,
        contentType: write.contentType,
        notBefore: date(write.notBefore),
        expiresOn: date(write.expires),
        tags: { ...write.tags },
      });
      return toVersion(secret.properties);
    });
  }

  async updateProperties(
    name: string,
    version: string,
    write: SecretWrite,
  ): Promise<SecretVersionInfo> {
    return this.requests.call(name, 'secrets/update', async () =>
      toVersion(
        await this.client.updateSecretProperties(name, version, {
          enabled: write.enabled,
          // Left out, Key Vault would keep the old one: an empty one clears it.
          contentType: write.contentType ?? '',
          notBefore: date(write.notBefore),
          expiresOn: date(write.expires),
          tags: { ...write.tags },
        }),
      ),
    );
  }

  async deleteSecret(name: string): Promise<void> {
    await this.requests.call(name, 'secrets/delete', () => this.client.beginDeleteSecret(name));
  }

  async recoverDeletedSecret(name: string): Promise<void> {
    await this.requests.untilDone(name, 'secrets/recover', (polling) =>
      this.client.beginRecoverDeletedSecret(name, polling),
    );
  }

  getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined> {
    return this.requests.deleted(name, 'secrets/getDeleted', async () => {
      const deleted = await this.client.getDeletedSecret(name);
      return {
        name: deleted.name,
        deletedOn: seconds(deleted.properties.deletedOn),
        scheduledPurge: seconds(deleted.properties.scheduledPurgeDate),
      };
    });
  }
}
