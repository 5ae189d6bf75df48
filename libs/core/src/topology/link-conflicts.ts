import type { ResolvedLink, ResolvedVault } from './topology';

/** Why a set of links would loop or fight (DESIGN principle 10: refused, never replicated). */
export type LinkConflictKind = 'self' | 'pair-declared-twice' | 'shared-replica' | 'loop';

export interface LinkConflict {
  readonly kind: LinkConflictKind;
  /** Names of the links involved, in declaration order. */
  readonly links: readonly string[];
  /** Key paths of the config entries that made them (`links[0]`, `sources[1].keyvaults[0]`). */
  readonly origins: readonly string[];
  readonly message: string;
}

interface Declaration {
  readonly link: ResolvedLink;
  readonly from: string;
  readonly to: string;
  readonly twoWay: boolean;
}

/**
 * Finds links that would make a write come back or two sources fight over one replica:
 * a replica that is its own source, a pair of vaults declared more than once (a one-way link
 * each way, a two-way link plus a one-way one, the same link twice), a replica written by two
 * source vaults (unless their `filters.include.names` are disjoint lists of literal names), and
 * any loop of three or more vaults (a one-way cycle, or a ring of links that delivers one write
 * to a vault along two paths). A plain two-way link is fine: it is two one-way links whose
 * echoes provenance drops. Vault names are globally unique, so a name is one vault, except a
 * same-name replica declared in another subscription (`namingPattern: '{source_name}'`).
 */
export function findLinkConflicts(links: readonly ResolvedLink[]): LinkConflict[] {
  const conflicts: LinkConflict[] = [];
  const split = sameNameAcrossSubscriptions(links);
  const key = (vault: ResolvedVault) => vaultKey(vault, split);
  const label = (vault: ResolvedVault) =>
    split.has(vault.name.toLowerCase())
      ? `${vault.name} (subscription ${vault.subscriptionId ?? 'unknown'})`
      : vault.name;
  const labels = new Map<string, string>();
  const declarations: Declaration[] = [];
  for (const link of links) {
    labels.set(key(link.source), label(link.source));
    for (const replica of link.replicas) {
      labels.set(key(replica), label(replica));
      const declaration = {
        link,
        from: key(link.source),
        to: key(replica),
        twoWay: link.mode === 'two-way',
      };
      if (declaration.from === declaration.to) {
        conflicts.push(
          conflict(
            'self',
            [link],
            `replica of ${label(link.source)} would be ${link.source.name} itself`,
          ),
        );
      } else declarations.push(declaration);
    }
  }
  const nameOf = (vaultKey: string) => labels.get(vaultKey) ?? vaultKey;

  // Pairs: one declaration per pair of vaults, whatever its direction.
  const byPair = groupBy(declarations, (d) => [d.from, d.to].sort().join('\u0000'));
  for (const group of byPair.values()) {
    if (group.length < 2) continue;
    const [first] = group as [Declaration];
    const oneWayEachWay = group.every((d) => !d.twoWay) && group.some((d) => d.from !== first.from);
    conflicts.push(
      conflict(
        'pair-declared-twice',
        group.map((d) => d.link),
        oneWayEachWay
          ? `${nameOf(first.from)} and ${nameOf(first.to)} replicate into each other through ${describe(group)}: every write would bounce between them forever; declare one link with mode two-way`
          : `${nameOf(first.from)} and ${nameOf(first.to)} are joined more than once (${describe(group)}); declare the pair in one link`,
      ),
    );
  }

  // Fan-in: two source vaults writing into one replica overwrite each other's objects.
  const directed = declarations.flatMap((d) =>
    d.twoWay ? [d, { ...d, from: d.to, to: d.from }] : [d],
  );
  for (const [target, incoming] of groupBy(directed, (d) => d.to)) {
    const sources = new Set(incoming.map((d) => d.from));
    if (sources.size < 2 || namesProvablyDisjoint(incoming)) continue;
    conflicts.push(
      conflict(
        'shared-replica',
        incoming.map((d) => d.link),
        `${nameOf(target)} is written by ${[...sources].map(nameOf).join(' and ')} (${describe(incoming)}): objects of the same name would overwrite each other; give each source its own replica, or make filters.include.names disjoint lists of names`,
      ),
    );
  }

  // Loops of three or more vaults: a spanning forest over the pairs; an edge that joins two
  // vaults already connected closes a loop made of the tree path between them.
  const forest = new Map<string, { to: string; declaration: Declaration }[]>();
  for (const group of byPair.values()) {
    const closing = group[0]!;
    const path = treePath(forest, closing.to, closing.from);
    if (path) {
      // closing: from → to, then the tree path from `to` back to `from`.
      const ring = [closing, ...path.map((step) => step.declaration)];
      const vaults = [closing.from, closing.to, ...path.slice(0, -1).map((step) => step.at)];
      conflicts.push(
        conflict(
          'loop',
          ring.map((d) => d.link),
          isDirectedCycle(ring, vaults)
            ? `${describe(ring)} form a cycle ${[...vaults, closing.from].map(nameOf).join(' → ')}: every write would go round it forever`
            : `${describe(ring)} join ${vaults.map(nameOf).join(', ')} in a loop: a write would reach a vault along two paths`,
        ),
      );
      continue;
    }
    for (const [a, b] of [
      [closing.from, closing.to],
      [closing.to, closing.from],
    ] as const) {
      const edges = forest.get(a) ?? [];
      edges.push({ to: b, declaration: closing });
      forest.set(a, edges);
    }
  }
  return conflicts;
}

/** Names that a link declares both as source and replica in two different subscriptions. */
function sameNameAcrossSubscriptions(links: readonly ResolvedLink[]): Set<string> {
  const split = new Set<string>();
  for (const link of links) {
    for (const replica of link.replicas) {
      if (
        replica.name.toLowerCase() === link.source.name.toLowerCase() &&
        inOtherSubscription(replica.subscriptionId, link.source.subscriptionId)
      )
        split.add(replica.name.toLowerCase());
    }
  }
  return split;
}

function vaultKey(vault: ResolvedVault, split: ReadonlySet<string>): string {
  const name = vault.name.toLowerCase();
  return split.has(name) ? `${name}@${vault.subscriptionId?.toLowerCase() ?? ''}` : name;
}

/** The steps of the tree path from `from` to `to`: each declaration and the vault it reaches. */
function treePath(
  forest: ReadonlyMap<string, readonly { to: string; declaration: Declaration }[]>,
  from: string,
  to: string,
): { declaration: Declaration; at: string }[] | undefined {
  const previous = new Map<string, { declaration: Declaration; from: string }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) {
      const steps: { declaration: Declaration; at: string }[] = [];
      for (let node = to; node !== from; node = previous.get(node)!.from)
        steps.unshift({ declaration: previous.get(node)!.declaration, at: node });
      return steps;
    }
    for (const edge of forest.get(at) ?? []) {
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      previous.set(edge.to, { declaration: edge.declaration, from: at });
      queue.push(edge.to);
    }
  }
  return undefined;
}

/**
 * Whether the ring's declarations all point the same way round (two-way ones point both ways).
 * Each step of the ring joins a declaration's two vaults, in its own direction or against it,
 * so the step's start vault alone tells which.
 */
function isDirectedCycle(ring: readonly Declaration[], vaults: readonly string[]): boolean {
  return ring.every((d, i) => d.from === vaults[i] || d.twoWay);
}

/** Literal include lists (no glob characters) that share no name cannot write the same object. */
function namesProvablyDisjoint(incoming: readonly Declaration[]): boolean {
  const lists = incoming.map((d) => d.link.filters.include?.names);
  if (lists.some((names) => !names || names.some((n) => /[*?[\]{}()!+@\\]/.test(n)))) return false;
  const owner = new Map<string, string>();
  for (const [i, names] of lists.entries()) {
    for (const name of names!) {
      const previous = owner.get(name.toLowerCase());
      if (previous !== undefined && previous !== incoming[i]!.from) return false;
      owner.set(name.toLowerCase(), incoming[i]!.from);
    }
  }
  return true;
}

function describe(declarations: readonly Declaration[]): string {
  const names = [...new Set(declarations.map((d) => `${d.link.name} (${d.link.origin})`))];
  return names.length === 1 ? `link ${names[0]}` : `links ${names.join(', ')}`;
}

function conflict(
  kind: LinkConflictKind,
  links: readonly ResolvedLink[],
  message: string,
): LinkConflict {
  const unique = [...new Set(links)];
  return {
    kind,
    links: unique.map((l) => l.name),
    origins: unique.map((l) => l.origin),
    message,
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item)) ?? [];
    group.push(item);
    groups.set(keyOf(item), group);
  }
  return groups;
}

/** A same-name replica is another vault only when both subscriptions are known and differ. */
export function inOtherSubscription(
  replicaSubscription: string | undefined,
  sourceSubscription: string | undefined,
): boolean {
  return (
    !!replicaSubscription &&
    !!sourceSubscription &&
    replicaSubscription.toLowerCase() !== sourceSubscription.toLowerCase()
  );
}
