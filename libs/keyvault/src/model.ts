/** Times are Unix seconds, as Key Vault stores them and as provenance records them. */
export interface SecretAttributes {
  readonly enabled: boolean;
  readonly notBefore?: number | undefined;
  readonly expires?: number | undefined;
  readonly contentType?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** What a listing returns for one secret: everything but the value and the version. */
export interface SecretItem extends SecretAttributes {
  readonly name: string;
  readonly created: number;
  readonly updated: number;
  /** Backing secret of a certificate: replicated by the certificate-converter, not here. */
  readonly managed: boolean;
}

/** One version's properties. */
export interface SecretVersionInfo extends SecretItem {
  readonly version: string;
}

/** A version with its value. Values live only in worker memory (DESIGN principle 2). */
export interface SecretWithValue extends SecretVersionInfo {
  readonly value: string;
}

/** A soft-deleted secret, as `getDeletedSecret` shows it. */
export interface DeletedSecretInfo {
  readonly name: string;
  readonly deletedOn?: number | undefined;
  readonly scheduledPurge?: number | undefined;
}

/** What a write sets besides the value. */
export type SecretWrite = SecretAttributes;
