import { readProvenance } from '@akv-replicator/core';
import type { SecretStore, SecretVersionInfo } from '@akv-replicator/keyvault';

/** What failback does with one secret name (ADR 0020). */
export type FailbackChange =
  /** Created in the promoted vault during the outage: copied into the original source. */
  | 'new'
  /** A new version written in the promoted vault during the outage: copied back. */
  | 'new-version'
  /** Deleted in the promoted vault during the outage: deleted in the original source. */
  | 'deleted'
  /** Changed in the original source since the promotion too: listed and skipped unless --force. */
  | 'conflict'
  /** The promoted vault holds a copy of the original's current version: nothing to do. */
  | 'in-sync'
  /** The original holds something the promoted vault never got: the resumed direction brings it. */
  | 'original-ahead'
  /** In the promoted vault without our provenance since before the promotion: not ours, skipped. */
  | 'not-ours';

export interface FailbackEntry {
  readonly name: string;
  readonly change: FailbackChange;
  /** For a conflict: what --force would do. */
  readonly forced?: 'new' | 'new-version' | 'deleted';
  readonly reason: string;
  readonly promoted?: SecretVersionInfo;
  readonly original?: SecretVersionInfo;
}

export interface FailbackPlanInput {
  readonly promoted: SecretStore;
  readonly original: SecretStore;
  /** The promotion time, Unix seconds (from the promoted-at tag). */
  readonly promotedAt: number;
}

/** Entries that failback writes into the original source (with `force`, conflicts too). */
export function isApplied(entry: FailbackEntry, force: boolean): boolean {
  return (
    entry.change === 'new' ||
    entry.change === 'new-version' ||
    entry.change === 'deleted' ||
    (force && entry.change === 'conflict')
  );
}

/**
 * The drift-checked failback plan for secrets: both vaults' current versions (properties only,
 * no value is read) and, for names only one side has, whether the other deleted it after the
 * promotion. Certificate-backed (managed) secrets are left to the certificate direction.
 */
export async function planFailback(input: FailbackPlanInput): Promise<FailbackEntry[]> {
  const { promoted, original, promotedAt } = input;
  const names = new Set<string>();
  const managed = new Set<string>();
  for (const store of [promoted, original])
    for await (const item of store.listSecrets()) {
      names.add(item.name);
      if (item.managed) managed.add(item.name);
    }
  const entries: FailbackEntry[] = [];
  for (const name of [...names].sort()) {
    if (managed.has(name)) continue;
    const [p, o] = await Promise.all([latest(promoted, name), latest(original, name)]);
    entries.push(await classify(name, p, o, input, promotedAt));
  }
  return entries;
}

async function classify(
  name: string,
  p: SecretVersionInfo | undefined,
  o: SecretVersionInfo | undefined,
  input: FailbackPlanInput,
  promotedAt: number,
): Promise<FailbackEntry> {
  const both = { ...(p ? { promoted: p } : {}), ...(o ? { original: o } : {}) };
  const originalName = input.original.vaultName;
  if (p) {
    const provenance = readProvenance(p.tags);
    if (provenance?.sourceVault.toLowerCase() === originalName.toLowerCase()) {
      return provenance.sourceVersion === o?.version
        ? { name, change: 'in-sync', reason: 'a copy of the original’s current version', ...both }
        : {
            name,
            change: 'original-ahead',
            reason: o
              ? 'the original holds a version the promoted vault never got'
              : 'deleted in the original; the link’s deletion policy applies once it resumes',
            ...both,
          };
    }
    if (p.updated < promotedAt)
      return {
        name,
        change: 'not-ours',
        reason: `no provenance from ${originalName} and unchanged since the promotion`,
        ...both,
      };
    const wanted = o ? 'new-version' : 'new';
    const originalChange = o
      ? o.updated >= promotedAt || o.updated >= p.updated
        ? o.updated
        : undefined
      : await deletedSince(input.original, name, promotedAt);
    if (originalChange !== undefined)
      return {
        name,
        change: 'conflict',
        forced: wanted,
        reason: `${o ? 'written' : 'deleted'} in ${originalName} at ${iso(originalChange)}, after the promotion or later than the promoted vault’s write`,
        ...both,
      };
    return {
      name,
      change: wanted,
      reason: `written in the promoted vault at ${iso(p.updated)}`,
      ...both,
    };
  }
  // Only the original has it.
  const deletedOn = await deletedSince(input.promoted, name, promotedAt);
  if (deletedOn === undefined)
    return {
      name,
      change: 'original-ahead',
      reason: 'never replicated to the promoted vault',
      ...both,
    };
  if (o && o.updated >= promotedAt)
    return {
      name,
      change: 'conflict',
      forced: 'deleted',
      reason: `deleted in the promoted vault at ${iso(deletedOn)}, but written in the original at ${iso(o.updated)}`,
      ...both,
    };
  return {
    name,
    change: 'deleted',
    reason: `deleted in the promoted vault at ${iso(deletedOn)}`,
    ...both,
  };
}

async function latest(store: SecretStore, name: string): Promise<SecretVersionInfo | undefined> {
  try {
    return await store.getLatestProperties(name);
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'not-found') return undefined;
    throw error;
  }
}

/** When the name was soft-deleted at or after `since`, or undefined. */
async function deletedSince(
  store: SecretStore,
  name: string,
  since: number,
): Promise<number | undefined> {
  const deleted = await store.getDeletedSecret(name);
  return deleted?.deletedOn !== undefined && deleted.deletedOn >= since
    ? deleted.deletedOn
    : undefined;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
