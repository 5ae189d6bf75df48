import { isReplicatorError, loadConfigFile, silentLogger, ConfigError } from '@akv-replicator/core';
import type { SecretItem } from '@akv-replicator/keyvault';
import { diffListings, TopologyResolver } from '@akv-replicator/discovery';
import type { CliIo } from '../io';
import { azureAdapters, fileSecretSource, secretStores } from '@akv-replicator/runtime';
import { armDirectory } from '@akv-replicator/runtime/arm';

interface LinkStatus {
  link: string;
  source: string;
  replica: string;
  region: string;
  inSync: number;
  drifted: number;
  missing: number;
  notOurs: number;
  toDelete: number;
  oldestDriftSeconds: number | null;
  error?: string;
}

/**
 * `status --live`: a live drift report per link and replica from listings only (no values read),
 * usable as a health check: exit 0 when everything is in sync, 1 otherwise.
 */
export async function liveStatusCommand(
  options: { config: string; link?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  try {
    const loaded = await loadConfigFile(options.config, { env: io.env });
    const { config, topology } = loaded;
    const secrets = fileSecretSource(io.env);
    const azure = await azureAdapters(config, secrets);
    const uriFor = (name: string) => `https://${name}.${config.azure.vaultDnsSuffix}`;
    const stores = secretStores(loaded, azure);
    const resolver = new TopologyResolver(topology, {
      directory: armDirectory(loaded, azure),
      tenantIdFor: (key) => config.tenants[key]?.tenantId,
      uriFor,
      refreshMs: 0,
      logger: silentLogger,
    });
    const { links, warnings } = await resolver.resolve(true);
    const now = Date.now() / 1000;
    const rows: LinkStatus[] = [];
    const listings = new Map<string, Promise<SecretItem[]>>();
    const list = (vault: (typeof links)[number]['source']) => {
      let items = listings.get(vault.uri);
      if (!items) listings.set(vault.uri, (items = collect(stores(vault).listSecrets())));
      return items;
    };
    for (const link of links.filter((l) => !options.link || l.name === options.link)) {
      const row: LinkStatus = {
        link: link.name,
        source: link.source.name,
        replica: link.replica.name,
        region: link.replica.region,
        inSync: 0,
        drifted: 0,
        missing: 0,
        notOurs: 0,
        toDelete: 0,
        oldestDriftSeconds: null,
      };
      try {
        const [sourceItems, replicaItems] = await Promise.all([
          list(link.source),
          list(link.replica),
        ]);
        const report = diffListings(sourceItems, replicaItems, {
          sourceVault: link.source.name,
          replicaVault: link.replica.name,
          mode: link.mode,
          deletion: link.deletion,
          overwriteUnowned: config.replication.overwriteUnowned,
          filter: link.filter,
        });
        const updated = new Map(sourceItems.map((i) => [i.name.toLowerCase(), i.updated]));
        row.inSync = report.inSync;
        row.notOurs = report.unowned.length;
        for (const entry of report.drifted) {
          if (entry.drift === 'missing') row.missing++;
          else if (entry.drift === 'deleted-at-source') row.toDelete++;
          else row.drifted++;
          const since = updated.get(entry.objectName.toLowerCase());
          if (since !== undefined)
            row.oldestDriftSeconds = Math.max(row.oldestDriftSeconds ?? 0, Math.round(now - since));
        }
      } catch (error) {
        row.error = (error as Error).message;
      }
      rows.push(row);
    }
    if (options.json) io.out(JSON.stringify({ links: rows, warnings }));
    else print(rows, warnings, io);
    const healthy =
      warnings.length === 0 &&
      rows.every((r) => !r.error && r.drifted + r.missing + r.toDelete === 0);
    return healthy ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || isReplicatorError(error)) {
      io.err(`status: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function print(
  rows: LinkStatus[],
  warnings: readonly { link: string; vault: string; reason: string }[],
  io: CliIo,
): void {
  io.out(
    'link                   source → replica (region)                      state       in sync  drifted  missing  not ours  oldest drift',
  );
  for (const r of rows) {
    const state = r.error
      ? 'FAILED'
      : r.drifted + r.missing + r.toDelete > 0
        ? 'DRIFTED'
        : 'in sync';
    const age = r.oldestDriftSeconds === null ? '-' : `${r.oldestDriftSeconds}s`;
    io.out(
      `${r.link.padEnd(22)} ${`${r.source} → ${r.replica} (${r.region})`.padEnd(46)} ${state.padEnd(10)} ${String(r.inSync).padStart(8)} ${String(r.drifted).padStart(8)} ${String(r.missing).padStart(8)} ${String(r.notOurs).padStart(9)}  ${age}`,
    );
    if (r.error) io.out(`    error: ${r.error}`);
  }
  for (const w of warnings) io.out(`warning: ${w.link} ${w.vault}: ${w.reason}`);
}

async function collect(items: AsyncIterable<SecretItem>): Promise<SecretItem[]> {
  const all: SecretItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}
