import type { ConfigIssue } from '../errors/errors';
import { staticLinks, toSelection } from './resolve-selection';
import { findLinkConflicts, inOtherSubscription } from './link-conflicts';
import type { Config } from '../config/schema';
import type { LinkConfig } from '../config/schema-topology';
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
    const sourceSubscription = link.source.subscriptionId ?? config.azure.sourceSubscriptionId;
    const replicas = link.replicas.map((replica, j): ResolvedReplica => {
      const rpath = `${path}.replicas[${j}]`;
      const tenant = checkTenant(replica.tenant, `${rpath}.tenant`);
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
      if (
        replica.vault.toLowerCase() === link.source.vault.toLowerCase() &&
        !inOtherSubscription(subscriptionId, sourceSubscription)
      ) {
        issue(
          `${rpath}.vault`,
          'a replica cannot be its own source (vault names are globally unique): name another vault, or give the replica another subscriptionId',
        );
      }
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
        subscriptionId: sourceSubscription,
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
  // `self` is reported above, at the key that makes it.
  for (const conflict of findLinkConflicts(links)) {
    if (conflict.kind !== 'self') issue(conflict.origins[0] ?? '', conflict.message);
  }
  if (links.length === 0 && selections.length === 0 && !config.certManager) {
    issue(
      '',
      'nothing to replicate: add links or sources (an empty document, "---" or an empty file configures nothing)',
    );
  }
  return { topology: { links, selections }, issues };
}
