import { findLinkConflicts, type ResolvedLink } from '@akv-replicator/core';
import type { DirectedLink } from './directed-link';

/** Why a resolved link is left out; discovery publishes it as a warning outcome. */
export interface RefusedLink {
  readonly link: string;
  readonly vault: string;
  readonly reason: string;
  readonly code: string;
}

/**
 * Applies the configuration's loop checks to what ARM and `dst_key_vault_names` tags resolved
 * at run time (DESIGN principle 10): links that would loop or fight over a replica are refused
 * and reported, never replicated. The configured links passed those checks at start, so they
 * stay; the run-time links in each conflict are the ones refused.
 */
export function refuseConflictingLinks(
  configured: readonly ResolvedLink[],
  resolved: readonly ResolvedLink[],
): { links: ResolvedLink[]; refused: RefusedLink[] } {
  const fixed = new Set(configured.map((link) => link.name));
  const refusedNames = new Map<string, string>();
  for (const conflict of findLinkConflicts(resolved)) {
    const runtime = conflict.links.filter((name) => !fixed.has(name));
    for (const name of runtime.length > 0 ? runtime : conflict.links) {
      if (!refusedNames.has(name)) refusedNames.set(name, conflict.message);
    }
  }
  const refused: RefusedLink[] = [];
  const links = resolved.filter((link) => {
    const reason = refusedNames.get(link.name);
    if (reason === undefined) return true;
    refused.push({ link: link.name, vault: link.source.name, reason, code: 'LinkConflict' });
    return false;
  });
  return { links, refused };
}

/**
 * A link whose replica endpoint is its source's (a same-name replica whose other subscription
 * ARM could not confirm) would write into the source itself: refused.
 */
export function replicaIsSource(link: DirectedLink): RefusedLink | undefined {
  if (
    link.source.uri.toLowerCase().replace(/\/+$/, '') !==
    link.replica.uri.toLowerCase().replace(/\/+$/, '')
  )
    return undefined;
  return {
    link: link.name,
    vault: link.replica.name,
    reason: `replica ${link.replica.name} has the source's endpoint ${link.source.uri}: it would write into the source itself (a same-name replica in another subscription needs ARM to find its endpoint)`,
    code: 'ReplicaIsSource',
  };
}
