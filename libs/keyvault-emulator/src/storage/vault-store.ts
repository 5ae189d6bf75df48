/**
 * The storage port: what a vault keeps for one object family (secrets, certificates, keys).
 * Object names are case-insensitive in Key Vault; implementations key by the lower-cased name
 * and keep the name as first written in the records.
 */
export interface VersionedRecord {
  readonly name: string;
  /** 32 lower-case hex characters. */
  readonly version: string;
  /** Creation time, ms since epoch; versions are returned in creation order. */
  readonly createdMs: number;
}

/** A soft-deleted object: all its versions plus the deletion bookkeeping. */
export interface DeletedObject<T extends VersionedRecord> {
  readonly name: string;
  readonly versions: readonly T[];
  readonly deletedMs: number;
  readonly scheduledPurgeMs: number;
}

/**
 * A delete, recover or purge the service has accepted but not finished: Key Vault completes
 * them in the background, and the name answers 409 meanwhile.
 */
export type PendingTransition = 'deleting' | 'recovering' | 'purging';

/** One object family of one vault. */
export interface ObjectFamilyStore<T extends VersionedRecord> {
  /** The unfinished delete / recover / purge of `name`, if any. */
  pending(name: string): PendingTransition | undefined;
  /** Live versions of `name` in creation order, or undefined when there is no live object. */
  versions(name: string): readonly T[] | undefined;
  /** Names of live objects, in insertion order. */
  names(): readonly string[];
  /** Appends a version (creating the object when needed). */
  addVersion(record: T): void;
  /** Replaces an existing version in place (attribute/tag updates). */
  replaceVersion(record: T): void;
  /** Moves a live object to the deleted state; undefined when there is none. */
  softDelete(
    name: string,
    deletedMs: number,
    scheduledPurgeMs: number,
  ): DeletedObject<T> | undefined;
  /** The deleted object, if any. */
  deleted(name: string): DeletedObject<T> | undefined;
  /** Names of deleted objects. */
  deletedNames(): readonly string[];
  /** Moves a deleted object back to live; false when there is none. */
  recover(name: string): boolean;
  /** Removes a deleted object for good; false when there is none. */
  purge(name: string): boolean;
  /** Writes a whole object back (restore from backup). */
  restore(name: string, versions: readonly T[]): void;
}

/** Everything one vault stores. */
export interface VaultStore {
  readonly secrets: ObjectFamilyStore<SecretRecord>;
  readonly certificates: ObjectFamilyStore<CertificateRecord>;
  readonly keys: ObjectFamilyStore<KeyRecord>;
}

/** Attributes shared by every object version; times in ms since epoch. */
export interface ObjectAttributes {
  readonly enabled: boolean;
  readonly notBeforeMs?: number | undefined;
  readonly expiresMs?: number | undefined;
  readonly updatedMs: number;
}

export interface SecretRecord extends VersionedRecord {
  readonly value: string;
  readonly contentType?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly attributes: ObjectAttributes;
  /** Set on the secret backing a certificate version. */
  readonly managed?: boolean | undefined;
  /** The backing key id, for certificate-backed secrets. */
  readonly kid?: string | undefined;
}

export interface KeyRecord extends VersionedRecord {
  readonly kty: 'RSA' | 'EC';
  /** PKCS#8 PEM private key (absent only if never known). */
  readonly privateKeyPem?: string | undefined;
  readonly publicJwk: Readonly<Record<string, string>>;
  readonly keyOps: readonly string[];
  readonly attributes: ObjectAttributes;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly managed?: boolean | undefined;
  readonly exportable?: boolean | undefined;
}

export interface CertificateRecord extends VersionedRecord {
  /** DER of the leaf certificate, base64. */
  readonly cerBase64: string;
  /** SHA-1 thumbprint of the DER, base64url (x5t). */
  readonly x5t: string;
  readonly attributes: ObjectAttributes;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** The certificate's policy (Key Vault wire shape, snake_case); the latest version's is current. */
  readonly policy: CertificatePolicyWire;
  /** Set for versions made by `create`: the operation `/certificates/NAME/pending` reports. */
  readonly operation?: { readonly requestId: string; readonly issuer: string } | undefined;
}

/** The wire shape of a certificate policy (only the members the emulator reads are typed). */
export interface CertificatePolicyWire {
  readonly key_props?: {
    exportable?: boolean;
    kty?: string;
    key_size?: number;
    reuse_key?: boolean;
    crv?: string;
  };
  readonly secret_props?: { contentType?: string };
  readonly x509_props?: {
    subject?: string;
    sans?: {
      dns_names?: string[];
      emails?: string[];
      upns?: string[];
      uris?: string[];
      ipAddresses?: string[];
    };
    ekus?: string[];
    key_usage?: string[];
    validity_months?: number;
  };
  readonly lifetime_actions?: readonly unknown[];
  readonly issuer?: { name?: string; cty?: string; cert_transparency?: boolean };
  readonly attributes?: { enabled?: boolean; created?: number; updated?: number };
}
