import type { LoadedConfig } from '@akv-replicator/core';

/** Every region some replica lives in, known from configuration alone. */
export function replicaRegions(loaded: LoadedConfig): string[] {
  const regions = new Set<string>();
  for (const link of loaded.topology.links) {
    for (const replica of link.replicas) regions.add(replica.region);
    if (link.mode === 'two-way' && link.source.region) regions.add(link.source.region);
  }
  for (const selection of loaded.topology.selections)
    for (const destination of selection.destinations) regions.add(destination.region);
  return [...regions].sort();
}
