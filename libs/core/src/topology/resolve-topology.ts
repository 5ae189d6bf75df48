import type { ConfigIssue } from '../errors/errors';
import { resolveNamingPattern, unknownPlaceholders } from '../naming/naming-pattern';
import type { Config } from '../config/schema';
import type { LinkConfig, SourceSelectionConfig } from '../config/schema-topology';
import type {
  DynamicSelection,
  LinkBehaviour,
  ResolvedLink,
  ResolvedReplica,
  Topology,
} from './topology';

type Behaviour = Partial<
  Pick<LinkConfig, 'mode' | 'deletion' | 'objectKinds' | 'history' | 'filters'>
>;

/**
 * Turns a schema-valid configuration into links and run-time selections, and finds what the
 * schema cannot: replica names a pattern makes invalid, unknown tenants, cross-tenant replicas
 * without a subscription, two-way links with several replicas, duplicate names.
 */
export function resolveTopology(config: Config): { topology: Topology; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const links: ResolvedLink[] = [];
  const selections: DynamicSelection[] = [];
  const uriFor = (name: string) => `https://${name}.${config.azure.vaultDnsSuffix}`;
  const defaultTenant = config.azure.defaultTenant;

  const checkTenant = (tenant: string | undefined, path: string): string => {
    const key = tenant ?? defaultTenant;
    if (!(key in config.tenants) && key !== defaultTenant)
      issue(path, `unknown tenant "${key}" (define it under tenants)`);
    return key;
  };
  const behaviour = (own: Behaviour): LinkBehaviour => ({
    mode: own.mode ?? config.replication.mode,
    deletion: own.deletion ?? config.replication.deletion,
    objectKinds: own.objectKinds ?? config.replication.objectKinds,
    history: own.history ?? config.replication.history,
    filters: own.filters ?? config.replication.filters,
  });
  if (!(defaultTenant in config.tenants) && Object.keys(config.tenants).length > 0) {
    issue('azure.defaultTenant', `tenant "${defaultTenant}" is not defined under tenants`);
  }
  if (config.certManager) checkTenant(config.certManager.tenant, 'certManager.tenant');
  if (config.azure.destinationSubscriptionId && !config.azure.sourceSubscriptionId) {
    const selectionsWithout = config.sources.some((s) => !s.subscriptionId);
    if (selectionsWithout) {
      issue(
        'azure.sourceSubscriptionId',
        'cross-subscription replication needs the source subscription as well as destinationSubscriptionId',
      );
    }
  }

  config.links.forEach((link, i) => {
    const path = `links[${i}]`;
    const own = behaviour(link);
    const sourceTenant = checkTenant(link.source.tenant, `${path}.source.tenant`);
    if (own.mode === 'two-way' && link.replicas.length !== 1) {
      issue(`${path}.replicas`, 'a two-way link joins exactly two vaults; use one link per pair');
    }
    if (own.mode === 'two-way' && !link.source.region) {
      issue(
        `${path}.source.region`,
        'a two-way link replicates into the source too, so the source needs its region',
      );
    }
    const replicas = link.replicas.map((replica, j): ResolvedReplica => {
      const rpath = `${path}.replicas[${j}]`;
      const tenant = checkTenant(replica.tenant, `${rpath}.tenant`);
      if (replica.vault.toLowerCase() === link.source.vault.toLowerCase()) {
        issue(
          `${rpath}.vault`,
          'a replica cannot be its own source (vault names are globally unique)',
        );
      }
      if (tenant !== sourceTenant && !replica.subscriptionId) {
        issue(
          `${rpath}.subscriptionId`,
          `replica is in tenant "${tenant}", not the source's "${sourceTenant}": cross-tenant replicas need an explicit subscriptionId`,
        );
      }
      if (replica.autoCreate && !replica.resourceGroup) {
        issue(
          `${rpath}.resourceGroup`,
          'autoCreate needs the resource group to create the vault in',
        );
      }
      const subscriptionId =
        replica.subscriptionId ??
        config.azure.destinationSubscriptionId ??
        link.source.subscriptionId ??
        config.azure.sourceSubscriptionId;
      if (replica.autoCreate && !subscriptionId) {
        issue(
          `${rpath}.subscriptionId`,
          'autoCreate needs the subscription to create the vault in',
        );
      }
      return {
        name: replica.vault,
        region: replica.region,
        subscriptionId,
        resourceGroup: replica.resourceGroup,
        tenant,
        uri: replica.uri ?? uriFor(replica.vault),
        autoCreate: replica.autoCreate,
      };
    });
    links.push({
      ...own,
      name: link.name,
      origin: path,
      source: {
        name: link.source.vault,
        region: link.source.region,
        subscriptionId: link.source.subscriptionId ?? config.azure.sourceSubscriptionId,
        resourceGroup: link.source.resourceGroup,
        tenant: sourceTenant,
        uri: link.source.uri ?? uriFor(link.source.vault),
      },
      replicas,
    });
  });

  config.sources.forEach((source, i) => {
    const path = `sources[${i}]`;
    const selection = toSelection(source, path, config, checkTenant, behaviour(source), issue);
    if (selection.selectionMode === 'specific' && !selection.destinationsFromTag) {
      links.push(...staticLinks(selection, source, path, uriFor, issue));
    } else {
      selections.push(selection);
    }
  });

  const seen = new Map<string, string>();
  for (const name of [
    ...links.map((l) => [l.name, l.origin]),
    ...selections.map((s) => [s.name, s.origin]),
  ]) {
    const [linkName, origin] = name as [string, string];
    const previous = seen.get(linkName);
    if (previous) issue(`${origin}.name`, `link name "${linkName}" is already used by ${previous}`);
    else seen.set(linkName, origin);
  }
  return { topology: { links, selections }, issues };
}

function toSelection(
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
    const unknown = unknownPlaceholders(destination.namingPattern);
    if (unknown.length > 0)
      issue(
        `${dpath}.namingPattern`,
        `unknown placeholder {${unknown[0]}}; use {source_name} and {region}`,
      );
    const destSubscription = destination.subscriptionId ?? config.azure.destinationSubscriptionId;
    if (destTenant !== tenant && !destination.subscriptionId) {
      issue(
        `${dpath}.subscriptionId`,
        `destination is in tenant "${destTenant}", not the source's "${tenant}": cross-tenant destinations need an explicit subscriptionId`,
      );
    }
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
function staticLinks(
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
      if (named.name.toLowerCase() === vault.name.toLowerCase()) {
        issue(
          vault.destinationName
            ? `${path}.keyvaults[${k}].destinationName`
            : `${path}.destinations[${j}].namingPattern`,
          `replica of ${vault.name} would be ${vault.name} itself (vault names are globally unique)`,
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
