import { vaultNameSchema } from '../messages/refs';
import { resolveNamingPattern } from '../naming/naming-pattern';
import { inOtherSubscription } from './link-conflicts';
import type { DynamicSelection, ResolvedLink, ResolvedReplica } from './topology';

/** A vault as ARM lists it. */
export interface ArmVault {
  readonly name: string;
  readonly location: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly uri: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Source vault tag naming extra replica vaults, comma separated (seed 002). */
export const DESTINATION_TAG = 'dst_key_vault_names';

/** Names a selection picks from an ARM listing; case-insensitive as vault names are. */
export function selectVaults(selection: DynamicSelection, listed: readonly ArmVault[]): ArmVault[] {
  const lower = (s: string) => s.toLowerCase();
  const inResourceGroup = (v: ArmVault) =>
    !selection.resourceGroup || lower(v.resourceGroup) === lower(selection.resourceGroup);
  // Discovery also lists the destinations' subscriptions: never pick sources from those.
  const inSubscription = (v: ArmVault) =>
    !selection.subscriptionId || lower(v.subscriptionId) === lower(selection.subscriptionId);
  const candidates = listed.filter((v) => inSubscription(v) && inResourceGroup(v));
  switch (selection.selectionMode) {
    case 'specific': {
      const wanted = new Set(selection.vaults.map((v) => lower(v.name)));
      return candidates.filter((v) => wanted.has(lower(v.name)));
    }
    case 'all':
      return candidates;
    case 'allExcept': {
      const excluded = new Set(selection.excludeVaults.map(lower));
      return candidates.filter((v) => !excluded.has(lower(v.name)));
    }
  }
}

export interface ExpandResult {
  readonly links: ResolvedLink[];
  /** Problems that make a vault unreplicable; each becomes a warning outcome. */
  readonly warnings: { vault: string; reason: string; code?: string }[];
}

/**
 * Expands a selection against ARM: every selected vault becomes one link to every destination
 * (naming pattern or explicit `destinationName`), plus the vaults its `dst_key_vault_names`
 * tag names. Vaults that are replicas of another selected vault (they carry the name a
 * pattern makes from it) are not selected as sources again, or `all` would replicate replicas
 * forever. A selection that picks no vault, and a replica that would be its source, are warnings.
 */
export function expandSelection(
  selection: DynamicSelection,
  listed: readonly ArmVault[],
  uriFor: (vaultName: string) => string,
): ExpandResult {
  const links: ResolvedLink[] = [];
  const warnings: ExpandResult['warnings'] = [];
  const lower = (s: string) => s.toLowerCase();
  const find = (name: string, subscriptionId?: string) =>
    listed.find(
      (v) =>
        lower(v.name) === lower(name) &&
        (!subscriptionId || lower(v.subscriptionId) === lower(subscriptionId)),
    );
  const selected = selectVaults(selection, listed);
  if (selected.length === 0) {
    warnings.push({
      vault: '*',
      reason: `selection ${selection.selectionMode} picked no vault${selection.resourceGroup ? ` in resource group ${selection.resourceGroup}` : ''}: nothing is replicated for it`,
      code: 'SelectionEmpty',
    });
  }
  const replicaOf = new Map<string, string>();
  for (const vault of selected) {
    for (const destination of selection.destinations) {
      const resolved = resolveNamingPattern(destination.namingPattern, {
        source_name: vault.name,
        region: destination.region,
      });
      if (resolved.ok && lower(resolved.name) !== lower(vault.name))
        replicaOf.set(lower(resolved.name), vault.name);
    }
  }

  for (const vault of selected) {
    if (replicaOf.has(lower(vault.name))) continue;
    const replicas: ResolvedReplica[] = [];
    const warned = warnings.length;
    const explicit = selection.vaults.find((v) => lower(v.name) === lower(vault.name));
    for (const destination of selection.destinations) {
      const name = explicit?.destinationName
        ? { ok: true as const, name: explicit.destinationName }
        : resolveNamingPattern(destination.namingPattern, {
            source_name: vault.name,
            region: destination.region,
          });
      if (!name.ok) {
        warnings.push({ vault: vault.name, reason: `replica name: ${name.reason}` });
        continue;
      }
      const subscriptionId = destination.subscriptionId ?? vault.subscriptionId;
      if (
        lower(name.name) === lower(vault.name) &&
        !inOtherSubscription(subscriptionId, vault.subscriptionId)
      ) {
        warnings.push({
          vault: vault.name,
          reason: `replica of ${vault.name} would be ${vault.name} itself (same subscription): change the namingPattern, or give the destination another subscriptionId`,
          code: 'ReplicaIsSource',
        });
        continue;
      }
      const existing = find(name.name, subscriptionId);
      replicas.push({
        name: name.name,
        region: destination.region,
        subscriptionId,
        resourceGroup: destination.resourceGroup ?? existing?.resourceGroup,
        tenant: destination.tenant,
        uri: existing?.uri ?? uriFor(name.name),
        autoCreate: destination.autoCreate,
      });
    }
    if (selection.destinationsFromTag) {
      for (const tagged of parseDestinationTag(vault.tags?.[DESTINATION_TAG])) {
        // Compared in lower case, a look-alike letter (the Kelvin sign K) would name an ASCII
        // vault: a tag entry must be a Key Vault name before it names anything.
        if (!vaultNameSchema.safeParse(tagged).success) {
          warnings.push({
            vault: vault.name,
            reason: `${DESTINATION_TAG} names ${tagged}, which is not a Key Vault name (3–24 ASCII letters, digits and hyphens)`,
          });
          continue;
        }
        const target = find(tagged);
        if (!target) {
          warnings.push({
            vault: vault.name,
            reason: `${DESTINATION_TAG} names ${tagged}, which does not exist`,
          });
          continue;
        }
        if (target === vault) {
          warnings.push({
            vault: vault.name,
            reason: `${DESTINATION_TAG} names the vault itself`,
            code: 'ReplicaIsSource',
          });
          continue;
        }
        if (replicas.some((r) => lower(r.name) === lower(target.name))) continue;
        replicas.push({
          ...target,
          region: target.location,
          tenant: selection.tenant,
          autoCreate: false,
        });
      }
    }
    if (replicas.length === 0) {
      if (warnings.length === warned)
        warnings.push({ vault: vault.name, reason: 'no replica vault resolved for this source' });
      continue;
    }
    links.push({
      name: `${selection.name}/${vault.name}`,
      origin: selection.origin,
      mode: selection.mode,
      deletion: selection.deletion,
      objectKinds: selection.objectKinds,
      history: selection.history,
      filters: selection.filters,
      source: {
        name: vault.name,
        region: vault.location,
        subscriptionId: vault.subscriptionId,
        resourceGroup: vault.resourceGroup,
        tenant: selection.tenant,
        uri: vault.uri,
      },
      replicas,
    });
  }
  return { links, warnings };
}

/** `"kv-a, kv-b;kv-c"` → `['kv-a','kv-b','kv-c']`; tolerant of spaces and semicolons. */
export function parseDestinationTag(value: string | undefined): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(/[,;\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
