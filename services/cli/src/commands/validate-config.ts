import {
  isReplicatorError,
  loadConfigFile,
  ConfigError,
  type ResolvedLink,
  type DynamicSelection,
} from '@akv-replicator/core';
import type { CliIo } from '../io';

/**
 * `validate-config FILE`: prints the resolved links, or every error with its key path.
 * Returns the exit code: 0 valid, 1 invalid.
 */
export async function validateConfigCommand(
  file: string,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  try {
    const { topology, overridden } = await loadConfigFile(file, { env: io.env });
    if (options.json) {
      io.out(
        JSON.stringify({
          valid: true,
          links: topology.links,
          selections: topology.selections,
          overridden,
        }),
      );
      return 0;
    }
    io.out(`${file}: valid`);
    if (overridden.length > 0) io.out(`overridden from the environment: ${overridden.join(', ')}`);
    if (topology.links.length > 0 || topology.selections.length === 0)
      io.out(`links (${topology.links.length}):`);
    for (const link of topology.links) io.out(`  ${describeLink(link)}`);
    if (topology.selections.length > 0) {
      io.out(`selections resolved against ARM at run time (${topology.selections.length}):`);
      for (const selection of topology.selections) io.out(`  ${describeSelection(selection)}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      if (options.json) io.out(JSON.stringify({ valid: false, issues: error.issues }));
      else {
        io.err(
          `${file}: invalid (${error.issues.length} ${error.issues.length === 1 ? 'problem' : 'problems'})`,
        );
        for (const issue of error.issues) io.err(`  ${issue.path || '(root)'}: ${issue.message}`);
      }
      return 1;
    }
    if (isReplicatorError(error)) {
      io.err(`${file}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function describeLink(link: ResolvedLink): string {
  const arrow = link.mode === 'two-way' ? '⇄' : '→';
  const source = `${link.source.name}${link.source.region ? ` (${link.source.region})` : ''}`;
  const replicas = link.replicas
    .map(
      (r) =>
        `${r.name} (${r.region}${r.subscriptionId && r.subscriptionId !== link.source.subscriptionId ? `, subscription ${r.subscriptionId}` : ''}${r.tenant !== link.source.tenant ? `, tenant ${r.tenant}` : ''}${r.autoCreate ? ', autoCreate' : ''})`,
    )
    .join(', ');
  return `${link.name}: ${source} ${arrow} ${replicas}  [${link.mode}, deletion ${link.deletion.policy}, ${link.objectKinds.join('+')}]`;
}

function describeSelection(selection: DynamicSelection): string {
  const scope = [
    selection.subscriptionId ? `subscription ${selection.subscriptionId}` : undefined,
    selection.resourceGroup ? `resource group ${selection.resourceGroup}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const which =
    selection.selectionMode === 'all'
      ? 'all vaults'
      : selection.selectionMode === 'allExcept'
        ? `all vaults except ${selection.excludeVaults.join(', ')}`
        : selection.vaults.map((v) => v.name).join(', ');
  const targets = [
    ...selection.destinations.map(
      (d) => `${d.namingPattern} (${d.region}${d.autoCreate ? ', autoCreate' : ''})`,
    ),
    ...(selection.destinationsFromTag ? ['vaults named in dst_key_vault_names'] : []),
  ].join(', ');
  return `${selection.name}: ${which}${scope ? ` in ${scope}` : ''} → ${targets}  [${selection.mode}, deletion ${selection.deletion.policy}]`;
}
