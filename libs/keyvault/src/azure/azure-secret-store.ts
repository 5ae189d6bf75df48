import type { SecretClient, SecretProperties } from '@azure/keyvault-secrets';
import type {
  DeletedSecretInfo,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from '../model';
import type { IdentityHint } from '../permissions/identity';
import type { VaultOperation } from '../permissions/required-role';
import type { SecretStore } from '../secret-store';
import { translateError } from './translate-error';

/** How often recover polls until the secret is readable again. */
export const DEFAULT_RECOVER_POLL_MS = 500;

const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : undefined);
const date = (unix: number | undefined) => (unix === undefined ? undefined : new Date(unix * 1000));

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

export interface AzureStoreOptions {
  /** How often recover (and delete, for certificates) polls; default {@link DEFAULT_RECOVER_POLL_MS}. */
  readonly recoverPollMs?: number;
  /** Who the client authenticates as, named in permission errors (never a secret). */
  readonly identity?: IdentityHint;
}

/** The SecretStore port over the unmodified `@azure/keyvault-secrets` SecretClient. */
export class AzureSecretStore implements SecretStore {
  private firstRequest: Promise<void> | undefined;
  private firstRequestDone: (() => void) | undefined;

  constructor(
    readonly vaultName: string,
    private readonly client: SecretClient,
    private readonly options: AzureStoreOptions = {},
  ) {}

  async *listSecrets(): AsyncIterable<SecretItem> {
    await this.challengeSettled();
    try {
      for await (const properties of this.client.listPropertiesOfSecrets()) {
        this.firstRequestDone?.(); // the first page came back: the challenge is settled
        yield toItem(properties);
      }
    } catch (error) {
      throw this.translate(error, undefined, 'secrets/list');
    } finally {
      this.firstRequestDone?.();
    }
  }

  async getSecret(name: string, version?: string): Promise<SecretWithValue> {
    return this.call(name, 'secrets/get', async () => {
      const secret = await this.client.getSecret(name, version ? { version } : {});
      return { ...toVersion(secret.properties), value: secret.value ?? '' };
    });
  }

  async *listSecretVersions(name: string): AsyncIterable<SecretVersionInfo> {
    await this.challengeSettled();
    try {
      for await (const properties of this.client.listPropertiesOfSecretVersions(name)) {
        this.firstRequestDone?.();
        yield toVersion(properties);
      }
    } catch (error) {
      throw this.translate(error, name, 'secrets/list');
    } finally {
      this.firstRequestDone?.();
    }
  }

  async getLatestProperties(name: string): Promise<SecretVersionInfo> {
    return this.call(name, 'secrets/list', async () => {
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
    return this.call(name, 'secrets/set', async () => {
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
    return this.call(name, 'secrets/update', async () =>
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
    await this.call(name, 'secrets/delete', () => this.client.beginDeleteSecret(name));
  }

  async recoverDeletedSecret(name: string): Promise<void> {
    await this.call(name, 'secrets/recover', async () => {
      const poller = await this.client.beginRecoverDeletedSecret(name, {
        intervalInMs: this.options.recoverPollMs ?? DEFAULT_RECOVER_POLL_MS,
      });
      await poller.pollUntilDone();
    });
  }

  async getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined> {
    try {
      const deleted = await this.client.getDeletedSecret(name);
      return {
        name: deleted.name,
        deletedOn: seconds(deleted.properties.deletedOn),
        scheduledPurge: seconds(deleted.properties.scheduledPurgeDate),
      };
    } catch (error) {
      const translated = this.translate(error, name, 'secrets/getDeleted');
      if (translated.kind === 'not-found') return undefined;
      throw translated;
    }
  }

  private async call<T>(
    name: string,
    operation: VaultOperation,
    request: () => Promise<T>,
  ): Promise<T> {
    await this.challengeSettled();
    try {
      return await request();
    } catch (error) {
      throw this.translate(error, name, operation);
    } finally {
      this.firstRequestDone?.();
    }
  }

  private translate(error: unknown, name: string | undefined, operation: VaultOperation) {
    return translateError(error, this.vaultName, name, {
      operation,
      identity: this.options.identity,
    });
  }

  /**
   * The SDK learns the vault's auth challenge from the first 401, sending that first request
   * without its body; requests racing it can be retried bodiless after another request
   * completed the challenge (a write then fails with 400). So the first request of a client
   * runs alone; the rest start once it has settled.
   */
  private challengeSettled(): Promise<void> | undefined {
    if (this.firstRequest) return this.firstRequest;
    this.firstRequest = new Promise<void>((resolve) => (this.firstRequestDone = resolve));
    return undefined;
  }
}
