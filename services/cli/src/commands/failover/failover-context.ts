import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  createEnvelope,
  loadConfigFile,
  silentLogger,
  type ArmVault,
  type LoadedConfig,
  type OutcomeData,
} from '@akv-replicator/core';
import { TopologyResolver } from '@akv-replicator/discovery';
import {
  PROMOTION_TAGS,
  readPromotion,
  type Promotion,
  type SecretStore,
  type VaultDirectory,
} from '@akv-replicator/keyvault';
import type { CliIo } from '../../io';
import { armDirectory } from '@akv-replicator/runtime/arm';
import {
  azureAdapters,
  certificateStores,
  fileSecretSource,
  openBus,
  secretStores,
  vaultPacers,
} from '@akv-replicator/runtime';
import type { VaultStores } from './kind-stores';

type Link = Awaited<ReturnType<TopologyResolver['resolve']>>['links'][number];

/** A usage or state problem the command reports and exits with (code 1 or 2). */
export class FailoverRefusal extends Error {
  override readonly name = 'FailoverRefusal';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/**
 * Printed when the configuration's bus is the in-memory one (`up --local`): it lives inside the
 * running stack's process, so a CLI process has no way onto it and the notifier hears nothing.
 */
export const NOT_ANNOUNCED =
  "not announced: bus.transport is memory (the running stack's bus is not reachable from this process); the notifier sends nothing";

/** What every failover command needs: the configured links (promotions hidden), ARM, stores. */
export interface FailoverContext {
  readonly loaded: LoadedConfig;
  readonly directory: VaultDirectory;
  /** The links as configured, as if nothing were promoted: the directions failover changes. */
  readonly links: readonly Link[];
  storeFor(vault: Link['source']): SecretStore;
  /** The vault's stores for the kinds `link` replicates (`objectKinds`). */
  storesFor(vault: Link['source'], link: Pick<Link, 'objectKinds'>): VaultStores;
  /** The vault as ARM lists it now, promotion tags included. */
  armVault(vault: Link['replica']): Promise<ArmVault>;
  promotionOf(vault: Link['replica']): Promise<Promotion | undefined>;
  /** Publishes a notice on the configured bus for the notifier; the memory bus has no reader. */
  announce(notice: Pick<OutcomeData, 'action' | 'code' | 'link' | 'reason'>): Promise<boolean>;
}

export async function openFailoverContext(configPath: string, io: CliIo): Promise<FailoverContext> {
  const loaded = await loadConfigFile(configPath, { env: io.env });
  const { config, topology } = loaded;
  const secrets = fileSecretSource(io.env);
  const azure = await azureAdapters(config, secrets);
  const directory = armDirectory(loaded, azure);
  const resolver = new TopologyResolver(topology, {
    directory: hidePromotions(directory),
    tenantIdFor: (key) => config.tenants[key]?.tenantId,
    uriFor: (name) => `https://${name}.${config.azure.vaultDnsSuffix}`,
    refreshMs: 0,
    logger: silentLogger,
    dryRun: true, // resolving for failover never creates a vault
  });
  const { links } = await resolver.resolve(true);
  // One pacer per vault for both kinds, as the runtime builds them: they share its budget.
  const pacers = vaultPacers(loaded, {});
  const stores = secretStores(loaded, azure, pacers);
  const certificates = certificateStores(loaded, azure, pacers);
  const armVault = async (vault: Link['replica']): Promise<ArmVault> => {
    if (!vault.subscriptionId)
      throw new FailoverRefusal(
        `${vault.name}: its subscription is not known; failover records the promotion as ARM tags and needs it`,
        2,
      );
    const found = (await directory.listVaults(vault.subscriptionId)).find(
      (v) => v.name.toLowerCase() === vault.name.toLowerCase(),
    );
    if (!found) throw new FailoverRefusal(`${vault.name}: not found in ARM`, 1);
    return found;
  };
  return {
    loaded,
    directory,
    links,
    storeFor: (vault) => stores(vault),
    storesFor: (vault, link) => ({
      vaultName: vault.name,
      ...(link.objectKinds.includes('secrets') ? { secrets: stores(vault) } : {}),
      ...(link.objectKinds.includes('certificates') ? { certificates: certificates(vault) } : {}),
    }),
    armVault,
    promotionOf: async (vault) => readPromotion((await armVault(vault)).tags),
    async announce(notice) {
      if (config.bus.transport === 'memory') return false;
      const bus = await openBus(loaded, secrets, azure.credentialFor);
      try {
        const data: OutcomeData = {
          outcomeId: randomUUID(),
          status: 'warning',
          service: 'cli',
          dryRun: false,
          at: new Date().toISOString(),
          ...notice,
        };
        await bus.publish(
          TOPICS.outcomes,
          createEnvelope('akv.outcome.v1', data, { source: '/akv-replicator/cli' }),
        );
        return true;
      } finally {
        await bus.close();
      }
    },
  };
}

/** The one-way direction `source → to` (optionally of link `linkName`), or why there is none. */
export function findDirection(
  links: readonly Link[],
  to: string,
  options: { link?: string; source?: string } = {},
): Link {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const matching = links.filter(
    (l) =>
      same(l.replica.name, to) &&
      (!options.link || l.name === options.link) &&
      (!options.source || same(l.source.name, options.source)),
  );
  if (matching.length === 0)
    throw new FailoverRefusal(
      `no link replicates into ${to}${options.link ? ` as link ${options.link}` : ''}`,
      2,
    );
  if (matching.length > 1)
    throw new FailoverRefusal(
      `${to} is the replica of ${matching.length} directions (${matching.map((l) => `${l.name}: ${l.source.name}`).join(', ')}); name one with --link`,
      2,
    );
  const link = matching[0]!;
  if (link.mode === 'two-way')
    throw new FailoverRefusal(
      `link ${link.name} is two-way: both vaults take writes already, so there is nothing to promote`,
      2,
    );
  return link;
}

/** A directory whose listings carry no promotion tags: the topology as configured. */
function hidePromotions(directory: VaultDirectory): VaultDirectory {
  const hidden = new Set<string>(PROMOTION_TAGS);
  return {
    listVaults: async (subscriptionId, resourceGroup) =>
      (await directory.listVaults(subscriptionId, resourceGroup)).map((vault) => ({
        ...vault,
        tags: Object.fromEntries(
          Object.entries(vault.tags ?? {}).filter(([name]) => !hidden.has(name.toLowerCase())),
        ),
      })),
    createVault: () => Promise.reject(new Error('failover creates no vault')),
    updateVaultTags: (vault, change) => directory.updateVaultTags(vault, change),
  };
}
