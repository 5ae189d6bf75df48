/**
 * DESIGN principle 8: a listing that suddenly shrinks a lot is an incident, not an instruction.
 * Returns the reason to hold deletions back, or undefined to let them through.
 */
export function deletionBreaker(
  wouldDelete: number,
  owned: number,
  sourceCount: number,
  limits: { readonly maxDeletePercent: number; readonly minObjects: number },
  noun: 'secrets' | 'certificates' = 'secrets',
): string | undefined {
  if (sourceCount === 0 && wouldDelete > 0) {
    return `the source listed no ${noun} while the replica holds ${owned} of ours: refusing to delete everything`;
  }
  const percent = (wouldDelete * 100) / owned;
  if (owned >= limits.minObjects && percent > limits.maxDeletePercent) {
    return `deleting ${wouldDelete} of ${owned} replicated ${noun} (${percent.toFixed(1)} %) exceeds maxDeletePercent ${limits.maxDeletePercent} %`;
  }
  return undefined;
}
