import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from '@akv-replicator/keyvault-emulator';
import { REPLICAS } from './bench-stack';
import { startRemoteEmulator, type RemoteEmulator } from './remote-emulator';
import { LIMITS, LIST_PAGE, WINDOW_S, windowsFor } from './resync-vs-limit';

/** Where the many-vaults world puts its sources; the replicas' regions are REPLICAS'. */
export const SOURCE_REGION = 'westeurope';
export const SOURCE_GROUP = 'rg-many-sources';
export const REPLICA_GROUP = 'rg-many-replicas';
/** `kvm-s042-northeurope`: at most 24 characters for every region used. */
export const NAMING_PATTERN = '{source_name}-{region}';
/**
 * The subscription-wide limit: all vaults of one subscription in one region share five times a
 * vault's limits (https://learn.microsoft.com/azure/key-vault/general/overview-throttling).
 */
export const SUBSCRIPTION_MULTIPLIER = 5;

export const sourceNames = (count: number) =>
  Array.from({ length: count }, (_, i) => `kvm-s${String(i).padStart(3, '0')}`);

export const replicaName = (source: string, region: string) =>
  NAMING_PATTERN.replace('{source_name}', source).replace('{region}', region);

/**
 * The emulator in its own process with `sources` vaults in westeurope (one resource group) and
 * one replica of each per REPLICAS region (another resource group), all in one subscription, at
 * Key Vault's real limits: per vault and per subscription and region.
 */
export async function startManyVaultsEmulator(sources: readonly string[]): Promise<RemoteEmulator> {
  const vaults = [
    ...sources.map((name) => ({ name, region: SOURCE_REGION, resourceGroup: SOURCE_GROUP })),
    ...REPLICAS.flatMap(({ region }) =>
      sources.map((source) => ({
        name: replicaName(source, region),
        region,
        resourceGroup: REPLICA_GROUP,
      })),
    ),
  ];
  const dir = await mkdtemp(join(tmpdir(), 'akvr-many-vaults-'));
  const file = join(dir, 'emulator.json');
  await writeFile(file, JSON.stringify({ vaults }));
  return startRemoteEmulator([], ['--config', file]);
}

/**
 * The selection the benchmark replicates: every vault of the sources' resource group, found
 * through ARM, to one replica per region named by the pattern. The replicas' resource group is
 * not selected, so they never become sources.
 */
export function manyVaultsSelection(subscriptionId: string) {
  return {
    name: 'many',
    selectionMode: 'all',
    subscriptionId,
    resourceGroup: SOURCE_GROUP,
    destinations: REPLICAS.map(({ region }) => ({
      region,
      subscriptionId,
      resourceGroup: REPLICA_GROUP,
      namingPattern: NAMING_PATTERN,
    })),
  };
}

/**
 * Writes `perVault` secrets into every source, at the subscription's limits: a 429 pauses that
 * writer for a second and tries again (a pace, not a wait for state). The SDK retries dropped
 * connections itself (a reused keep-alive socket the emulator closed); it never retries a 429
 * without Retry-After, which Key Vault never sends.
 */
export async function seedSources(
  emulator: RemoteEmulator,
  sources: readonly string[],
  perVault: number,
): Promise<void> {
  const credential = new StaticTokenCredential('bench');
  const clients = new Map(
    sources.map((name) => [
      name,
      new SecretClient(emulator.vaults[name]!, credential, {
        tlsOptions: { ca: emulator.ca },
        disableChallengeResourceVerification: true,
      }),
    ]),
  );
  const work: [string, string][] = sources.flatMap((vault) =>
    Array.from({ length: perVault }, (_, i): [string, string] => [
      vault,
      `m-${String(i).padStart(5, '0')}`,
    ]),
  );
  let next = 0;
  const writer = async () => {
    while (next < work.length) {
      const [vault, name] = work[next++]!;
      for (;;) {
        try {
          await clients.get(vault)!.setSecret(name, `value-${vault}-${name}`);
          break;
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 429) throw error;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  };
  // One request per vault first: a fresh SDK client's concurrent first requests race its
  // auth challenge.
  for (const client of clients.values()) await client.getSecret('warm-up').catch(() => undefined);
  await Promise.all(Array.from({ length: 32 }, writer));
}

/** Waits into the next throttling window, so a measured run starts with every budget fresh. */
export async function nextWindow(): Promise<void> {
  const windowMs = WINDOW_S * 1000;
  // A pace, not a wait for state: the emulator's windows are whole multiples of 10 s.
  await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 50));
}

/** Replication's share of each vault's (and subscription's) limits, by the vault's role. */
export interface Shares {
  readonly source: number;
  readonly replica: number;
}

/**
 * The least time Key Vault's limits allow a full resync, under the configured shares: whole
 * 10 s windows the busiest budget needs (see `windowsFor`), over the per-vault limits and the
 * subscription-wide ones (every source shares westeurope's; each region's replicas share
 * theirs). Requests per secret and replica: one source read, one replica read (404), one create;
 * plus one listing page per 25 objects of each vault.
 */
export function throttleBoundSeconds(
  sources: number,
  perVault: number,
  shares: Shares,
): { seconds: number; binding: string } {
  const regions = REPLICAS.length;
  const sourcePages = Math.ceil(perVault / LIST_PAGE);
  const sourceTransactions = perVault * regions + sourcePages;
  const replicaTransactions = perVault * 2 + 1; // an empty replica lists in one page
  const candidates: [string, number][] = [
    [
      'source vault transactions',
      windowsFor(sourceTransactions, LIMITS.transactions * shares.source),
    ],
    [
      'source subscription transactions',
      windowsFor(
        sources * sourceTransactions,
        LIMITS.transactions * SUBSCRIPTION_MULTIPLIER * shares.source,
      ),
    ],
    ['replica vault creates', windowsFor(perVault, LIMITS.creates * shares.replica)],
    [
      'replica vault transactions',
      windowsFor(replicaTransactions, LIMITS.transactions * shares.replica),
    ],
    [
      'replica subscription creates',
      windowsFor(sources * perVault, LIMITS.creates * SUBSCRIPTION_MULTIPLIER * shares.replica),
    ],
    [
      'replica subscription transactions',
      windowsFor(
        sources * replicaTransactions,
        LIMITS.transactions * SUBSCRIPTION_MULTIPLIER * shares.replica,
      ),
    ],
  ];
  const [binding, seconds] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { seconds, binding };
}
