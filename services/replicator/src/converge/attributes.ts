import { withoutProvenance } from '@akv-replicator/core';
import type { SecretAttributes } from '@akv-replicator/keyvault';

/** Whether two objects carry the same replicated attributes (tags compared without provenance). */
export function sameAttributes(a: SecretAttributes, b: SecretAttributes): boolean {
  return (
    a.enabled === b.enabled &&
    (a.notBefore ?? null) === (b.notBefore ?? null) &&
    (a.expires ?? null) === (b.expires ?? null) &&
    (a.contentType ?? '') === (b.contentType ?? '') &&
    sameTags(withoutProvenance(a.tags), withoutProvenance(b.tags))
  );
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Two-way conflict rule: newest `updated` wins; on a tie the lexically smaller vault name. */
export function replicaWriteWins(replica: { updated: number; vault: string }, source: { updated: number; vault: string }): boolean {
  if (replica.updated !== source.updated) return replica.updated > source.updated;
  return replica.vault.toLowerCase() < source.vault.toLowerCase();
}
