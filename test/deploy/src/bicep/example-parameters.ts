import { readdirSync, readFileSync } from 'node:fs';
import { loadConfigText } from '@akv-replicator/core';
import { bicepParameters, parameterFile } from './bicep-parameters';

export const EXAMPLES_DIR = new URL('../../../../deploy/examples/', import.meta.url);
export const PARAMETERS_DIR = new URL('../../../../deploy/bicep/parameters/', import.meta.url);
export const MAIN_TEMPLATE = new URL(
  '../../../../deploy/bicep/akv-replicator.bicep',
  import.meta.url,
);
/** The names the README's install uses: release and namespace akv-replicator. */
export const RELEASE = 'akv-replicator';
export const TAG_REGIONS = ['swedencentral'];

/** `<example>.parameters.json` for every deploy/examples configuration, by file name. */
export async function exampleParameterFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of readdirSync(EXAMPLES_DIR)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(new URL(name, EXAMPLES_DIR), 'utf8');
    const loaded = loadConfigText(text, { env: {} });
    const base = name.replace(/\.yaml$/, '');
    const fqdn = loaded.config.bus.serviceBus?.fullyQualifiedNamespace;
    const { parameters, notes } = await bicepParameters(loaded, {
      release: RELEASE,
      kubernetesNamespace: RELEASE,
      serviceBusNamespaceName: fqdn ? fqdn.split('.')[0]! : `sb-akvr-${base}`.slice(0, 50),
      deadLetterStorageAccountName: 'stakvrdeadletters',
      ...(loaded.topology.selections.some((s) => s.destinationsFromTag)
        ? { extraRegions: TAG_REGIONS }
        : {}),
    });
    const file = `${base}.parameters.json`;
    files.set(file, await parameterFile(parameters, notes, new URL(file, PARAMETERS_DIR)));
  }
  return files;
}
