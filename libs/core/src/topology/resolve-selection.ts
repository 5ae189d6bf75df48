import type { Config } from '../config/schema';
import type { SourceSelectionConfig } from '../config/schema-topology';
import { resolveNamingPattern, unknownPlaceholders } from '../naming/naming-pattern';
import { inOtherSubscription } from './link-conflicts';
import type { DynamicSelection, LinkBehaviour, ResolvedLink, ResolvedReplica } from './topology';

export function toSelection(
  source: SourceSelectionConfig,
  path: string,
  config: Config,
  checkTenant: (tenant: string | undefined, path: string) => string,
  own: LinkBehaviour,
  issue: (path: string, message: string) => void,
): DynamicSelection {
  const tenant = checkTenant(source.tenant, `${path}.tenant`);
  const subscriptionId = source.subscriptionId ?? config.azure.sourceSubscriptionId;
  if (source.selectionMode === 'specific' && source.keyvaults.length === 0) {
    issue(`${path}.keyvaults`, 'selectionMode specific needs at least one vault');
  }
  if (source.selectionMode !== 'specific' && source.keyvaults.length > 0) {
    issue(
      `${path}.keyvaults`,
      `keyvaults apply to selectionMode specific, not ${source.selectionMode}`,
    );
  }
  if (source.selectionMode !== 'allExcept' && source.excludeKeyvaults.length > 0) {
    issue(`${path}.excludeKeyvaults`, 'excludeKeyvaults applies to selectionMode allExcept');
  }
  if (source.selectionMode !== 'specific' && !subscriptionId) {
    issue(
      `${path}.subscriptionId`,
      `selectionMode ${source.selectionMode} lists vaults in a subscription: set subscriptionId here or azure.sourceSubscriptionId`,
    );
  }
  if (source.destinations.length === 0 && !source.destinationsFromTag) {
    issue(`${path}.destinations`, 'no destinations: add one, or set destinationsFromTag');
  }
  if (own.mode === 'two-way' && (source.destinations.length !== 1 || source.destinationsFromTag)) {
    issue(`${path}.mode`, 'two-way replication needs exactly one destination per source vault');
  }
  if (source.keyvaults.some((v) => v.destinationName) && source.destinations.length > 1) {
    issue(
      `${path}.keyvaults`,
      'destinationName names one vault, so it needs exactly one destination',
    );
  }
  const destinations = source.destinations.map((destination, j) => {
    const dpath = `${path}.destinations[${j}]`;
    const destTenant = checkTenant(destination.tenant, `${dpath}.tenant`);
    const destSubscription = destination.subscriptionId ?? config.azure.destinationSubscriptionId;
    if (destTenant !== tenant && !destination.subscriptionId) {
      issue(
        `${dpath}.subscriptionId`,
        `destination is in tenant "${destTenant}", not the source's "${tenant}": cross-tenant destinations need an explicit subscriptionId`,
      );
    }
    checkPattern(source, destination.namingPattern, destination.region, `${dpath}.namingPattern`, {
      otherSubscription: inOtherSubscription(destSubscription ?? subscriptionId, subscriptionId),
      issue,
    });
    if (destination.autoCreate && !destination.resourceGroup) {
      issue(`${dpath}.resourceGroup`, 'autoCreate needs the resource group to create vaults in');
    }
    if (destination.autoCreate && !destSubscription && !subscriptionId) {
      issue(`${dpath}.subscriptionId`, 'autoCreate needs the subscription to create vaults in');
    }
    return {
      region: destination.region,
      subscriptionId: destSubscription ?? subscriptionId,
      resourceGroup: destination.resourceGroup,
      tenant: destTenant,
      namingPattern: destination.namingPattern,
      autoCreate: destination.autoCreate,
    };
  });
  return {
    ...own,
    name: source.name,
    origin: path,
    selectionMode: source.selectionMode,
    subscriptionId,
    resourceGroup: source.resourceGroup,
    tenant,
    vaults: source.keyvaults.map((v) => ({ name: v.name, destinationName: v.destinationName })),
    excludeVaults: source.excludeKeyvaults,
    destinationsFromTag: source.destinationsFromTag,
    destinations,
  };
}

/** `specific` selections are fully known from config: check every replica name now. */
export function staticLinks(
  selection: DynamicSelection,
  source: SourceSelectionConfig,
  path: string,
  uriFor: (name: string) => string,
  issue: (path: string, message: string) => void,
): ResolvedLink[] {
  return source.keyvaults.map((vault, k) => {
    const replicas = selection.destinations.flatMap((destination, j): ResolvedReplica[] => {
      const named = vault.destinationName
        ? { ok: true as const, name: vault.destinationName }
        : resolveNamingPattern(destination.namingPattern, {
            source_name: vault.name,
            region: destination.region,
          });
      if (!named.ok) {
        issue(
          `${path}.destinations[${j}].namingPattern`,
          `for source vault ${vault.name}: ${named.reason}`,
        );
        return [];
      }
      if (
        named.name.toLowerCase() === vault.name.toLowerCase() &&
        !inOtherSubscription(destination.subscriptionId, selection.subscriptionId)
      ) {
        issue(
          vault.destinationName
            ? `${path}.keyvaults[${k}].destinationName`
            : `${path}.destinations[${j}].namingPattern`,
          `replica of ${vault.name} would be ${vault.name} itself (vault names are globally unique): change the name, or give the destination another subscriptionId`,
        );
        return [];
      }
      return [
        {
          name: named.name,
          region: destination.region,
          subscriptionId: destination.subscriptionId,
          resourceGroup: destination.resourceGroup,
          tenant: destination.tenant,
          uri: uriFor(named.name),
          autoCreate: destination.autoCreate,
        },
      ];
    });
    return {
      mode: selection.mode,
      deletion: selection.deletion,
      objectKinds: selection.objectKinds,
      history: selection.history,
      filters: selection.filters,
      name: `${selection.name}/${vault.name}`,
      origin: `${path}.keyvaults[${k}]`,
      source: {
        name: vault.name,
        subscriptionId: selection.subscriptionId,
        resourceGroup: vault.resourceGroup ?? selection.resourceGroup,
        tenant: selection.tenant,
        uri: uriFor(vault.name),
      },
      replicas,
    };
  });
}

/** The shortest valid vault name: a pattern that fails for it fails for every source vault. */
const PROBE_VAULT_NAME = 'abc';

/**
 * Checks what a naming pattern does to any vault a selection can pick, so a pattern either
 * resolves or is refused with the reason: unknown placeholders, names Azure cannot accept,
 * a replica that would be the source itself, or one replica for every source.
 */
function checkPattern(
  source: SourceSelectionConfig,
  pattern: string,
  region: string,
  path: string,
  context: { otherSubscription: boolean; issue: (path: string, message: string) => void },
): void {
  const { issue } = context;
  const unknown = unknownPlaceholders(pattern);
  if (unknown.length > 0) {
    issue(path, `unknown placeholder {${unknown[0]}}; use {source_name} and {region}`);
    return;
  }
  const patterned = source.keyvaults.filter((v) => !v.destinationName);
  // `specific` vaults are resolved one by one in staticLinks with their own names.
  if (source.selectionMode === 'specific' && patterned.length === 0) return;
  if (source.selectionMode !== 'specific' || source.destinationsFromTag) {
    const probe = resolveNamingPattern(pattern, { source_name: PROBE_VAULT_NAME, region });
    if (!probe.ok) {
      issue(
        path,
        `"${pattern}" makes no valid vault name, even for the shortest source name (${PROBE_VAULT_NAME}): ${probe.reason}`,
      );
      return;
    }
    if (probe.name === PROBE_VAULT_NAME && !context.otherSubscription) {
      issue(
        path,
        `"${pattern}" names each replica after its source, in the same subscription: the replica would be the source itself; change the pattern, or give the destination another subscriptionId`,
      );
      return;
    }
  }
  const manyVaults = source.selectionMode !== 'specific' || patterned.length > 1;
  if (manyVaults && !pattern.includes('{source_name}')) {
    issue(
      path,
      `"${pattern}" has no {source_name}: every selected vault would replicate into the same vault and overwrite each other's objects`,
    );
  }
}
