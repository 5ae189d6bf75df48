/** Two-way conflict rule: newest `updated` wins; on a tie the lexically smaller vault name. */
export function replicaWriteWins(
  replica: { updated: number; vault: string },
  source: { updated: number; vault: string },
): boolean {
  if (replica.updated !== source.updated) return replica.updated > source.updated;
  return replica.vault.toLowerCase() < source.vault.toLowerCase();
}
