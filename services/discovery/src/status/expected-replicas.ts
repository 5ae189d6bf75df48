import type { ObjectKind } from '@akv-replicator/core';
import type { DirectedLink } from '../topology/directed-link';
import type { ExpectedReplica } from './board-state';

/**
 * The (link, replica, kind)s the current topology makes discovery list: what the status report
 * covers, and what must each have been listed completely before it stops saying `rebuilding`.
 * Certificates count only when discovery reconciles them (it has certificate stores).
 */
export function expectedReplicas(
  links: readonly DirectedLink[],
  options: { certificates: boolean },
): ExpectedReplica[] {
  return links.map((link) => {
    const kinds: ObjectKind[] = [];
    if (link.objectKinds.includes('secrets')) kinds.push('secret');
    if (options.certificates && link.objectKinds.includes('certificates'))
      kinds.push('certificate');
    return {
      link: link.name,
      source: {
        name: link.source.name,
        ...(link.source.region ? { region: link.source.region } : {}),
        ...(link.source.tenant ? { tenant: link.source.tenant } : {}),
      },
      replica: {
        name: link.replica.name,
        region: link.replica.region,
        ...(link.replica.tenant ? { tenant: link.replica.tenant } : {}),
      },
      kinds,
    };
  });
}
