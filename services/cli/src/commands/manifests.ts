import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { ConfigError, isReplicatorError, loadConfigText } from '@akv-replicator/core';
import type { CliIo } from '../io';
import { renderManifests } from '../kubernetes/render-manifests';

export interface ManifestsOptions {
  readonly config: string;
  readonly namespace: string;
  readonly name: string;
  readonly imageRepository: string;
  readonly imageTag: string;
  readonly region?: readonly string[];
  readonly ingressReplicas: string;
  readonly discoveryReplicas: string;
  readonly otlpEndpoint?: string;
}

/**
 * `manifests --config FILE`: Kubernetes manifests for this configuration on stdout (one YAML
 * stream for `kubectl apply -f -`), what the operator must still do on stderr and as comments.
 * Exit 0, or 1 with the reason when the configuration cannot run on Kubernetes.
 */
export async function manifestsCommand(options: ManifestsOptions, io: CliIo): Promise<number> {
  const replicas = positiveInteger(options.ingressReplicas);
  const discoveryReplicas = positiveInteger(options.discoveryReplicas);
  if (replicas === undefined || discoveryReplicas === undefined) {
    const [flag, value] =
      replicas === undefined
        ? ['--ingress-replicas', options.ingressReplicas]
        : ['--discovery-replicas', options.discoveryReplicas];
    io.err(`manifests: ${flag} must be a positive integer, not ${value}`);
    return 2;
  }
  try {
    const text = await readFile(options.config, 'utf8');
    // The pods read the file as written; overrides from this shell's environment don't apply there.
    const loaded = loadConfigText(text, { env: {}, sourceName: options.config });
    const { manifests, notes } = renderManifests(loaded, text, {
      name: options.name,
      namespace: options.namespace,
      imageRepository: options.imageRepository,
      imageTag: options.imageTag,
      ingressReplicas: replicas,
      discoveryReplicas,
      ...(options.region ? { extraRegions: options.region } : {}),
      ...(options.otlpEndpoint ? { otlpEndpoint: options.otlpEndpoint } : {}),
    });
    const header = [
      `# akv-replicator manifests for ${options.config} — kubectl apply -n ${options.namespace} -f -`,
      ...notes.map((note) => `# NOTE: ${note}`),
    ];
    io.out(
      [header.join('\n'), ...manifests.map((m) => stringify(m, { lineWidth: 0 }).trimEnd())].join(
        '\n---\n',
      ),
    );
    for (const note of notes) io.err(`manifests: ${note}`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${options.config}: invalid`);
      for (const issue of error.issues) io.err(`  ${issue.path || '(root)'}: ${issue.message}`);
      return 1;
    }
    if (isReplicatorError(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`manifests: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

function positiveInteger(text: string): number | undefined {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}
