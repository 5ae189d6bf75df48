import {
  compileFilter,
  type CompiledFilter,
  type LinkBehaviour,
  type ResolvedLink,
  type ResolvedReplica,
  type ResolvedVault,
} from '@akv-replicator/core';

/** One direction of replication: one source vault into one replica vault. */
export interface DirectedLink extends LinkBehaviour {
  readonly name: string;
  readonly source: ResolvedVault;
  readonly replica: ResolvedReplica;
  readonly filter: CompiledFilter;
  /**
   * The name part of the filters only: events carry no tags or content type, so discovery can
   * drop excluded names early and leaves the rest to the worker, which reads real properties.
   */
  readonly nameFilter: CompiledFilter;
}

/**
 * Splits links into directions: one per replica, plus the way back for two-way links (two
 * one-way links whose echoes the worker drops by provenance).
 */
export function directLinks(links: readonly ResolvedLink[]): DirectedLink[] {
  const directed: DirectedLink[] = [];
  for (const link of links) {
    const filter = compileFilter(link.filters);
    const nameFilter = compileFilter({
      ...(link.filters.include?.names ? { include: { names: link.filters.include.names } } : {}),
      ...(link.filters.exclude?.names ? { exclude: { names: link.filters.exclude.names } } : {}),
    });
    const behaviour: LinkBehaviour = {
      mode: link.mode,
      deletion: link.deletion,
      objectKinds: link.objectKinds,
      history: link.history,
      filters: link.filters,
    };
    for (const replica of link.replicas) {
      directed.push({
        ...behaviour,
        name: link.name,
        source: link.source,
        replica,
        filter,
        nameFilter,
      });
      if (link.mode === 'two-way' && link.source.region) {
        const back: ResolvedReplica = {
          ...link.source,
          region: link.source.region,
          autoCreate: false,
        };
        const { autoCreate: _autoCreate, ...forward } = replica;
        directed.push({
          ...behaviour,
          name: link.name,
          source: forward,
          replica: back,
          filter,
          nameFilter,
        });
      }
    }
  }
  return directed;
}
