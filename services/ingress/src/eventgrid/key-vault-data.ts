import {
  objectNameSchema,
  objectVersionSchema,
  parseObjectId,
  vaultNameSchema,
} from '@akv-replicator/core';

/**
 * The `data` of a Key Vault event, read as leniently as Azure writes it. The Key Vault event
 * schema page (https://learn.microsoft.com/azure/event-grid/event-schema-key-vault) documents
 * PascalCase keys (`Id`, `VaultName`, `ObjectType`, `ObjectName`, `Version`, `NBF`, `EXP`) and
 * NBF/EXP as numbers, yet its own examples carry NBF/EXP as numeric strings, a key with a
 * trailing space (`"ObjectName "`) and a version with a leading space; earlier revisions of the
 * page used camelCase keys (`vaultName`, `nbf`, …), which the SDKs' models keep. Events are
 * hints (the worker reads current state), so only what names the object is required: anything
 * else that is odd is dropped, never a reason to refuse the delivery (Event Grid never retries a
 * 400: https://learn.microsoft.com/azure/event-grid/delivery-and-retry).
 */
export interface KeyVaultEventFields {
  readonly vaultName: string | undefined;
  readonly vaultUri: string | undefined;
  readonly objectType: string | undefined;
  readonly objectName: string | undefined;
  readonly version: string | undefined;
  readonly notBefore: number | null;
  readonly expires: number | null;
  /** Id and ObjectName name different objects: no way to tell which one changed. */
  readonly conflict: boolean;
}

/** A data field whatever its casing and surrounding whitespace (`"ObjectName "`, `vaultName`). */
export function dataField(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  const wanted = name.toLowerCase();
  const match = Object.keys(data).find((key) => key.trim().toLowerCase() === wanted);
  return match === undefined ? undefined : data[match];
}

const trimmed = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Unix seconds from a number or a numeric string; anything else (null, junk) is "unknown". */
export function unixSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** The first label of a vault host (`kv-a.vault.azure.net` → `kv-a`), whatever the cloud. */
function vaultNameOf(uri: string): string | undefined {
  const label = new URL(uri).hostname.split('.')[0];
  return label && vaultNameSchema.safeParse(label).success ? label : undefined;
}

export function readKeyVaultData(data: Record<string, unknown>): KeyVaultEventFields {
  const rawId = trimmed(dataField(data, 'Id'));
  const id = rawId === undefined ? undefined : parseObjectId(rawId);
  const namedObject = trimmed(dataField(data, 'ObjectName'));
  const objectName = namedObject ?? id?.name;
  const version = trimmed(dataField(data, 'Version'));
  return {
    vaultName: trimmed(dataField(data, 'VaultName')) ?? (id ? vaultNameOf(id.vaultUri) : undefined),
    vaultUri: id?.vaultUri,
    objectType: trimmed(dataField(data, 'ObjectType')),
    objectName,
    // A version that is not one (or absent) is only a missed hint: the Id's is as good.
    version:
      version !== undefined && objectVersionSchema.safeParse(version).success
        ? version
        : id?.version,
    notBefore: unixSeconds(dataField(data, 'NBF')),
    expires: unixSeconds(dataField(data, 'EXP')),
    conflict:
      id !== undefined &&
      namedObject !== undefined &&
      objectNameSchema.safeParse(namedObject).success &&
      id.name.toLowerCase() !== namedObject.toLowerCase(),
  };
}
