import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { kubeTools, runTool, type ToolResult } from '../tools/kube-tools';
import { CHART_DIR, EXAMPLES_DIR } from './chart-paths';

export type KubeObject = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string };
};

export const RELEASE = 'akvr';
export const NAMESPACE = 'dr';
export const CHART_PATH = fileURLToPath(CHART_DIR);

/** Runs helm with a values document written to a temporary file. */
export async function helmWithValues(
  command: 'template' | 'lint',
  values: unknown,
): Promise<ToolResult> {
  const directory = mkdtempSync(join(tmpdir(), 'akvr-helm-'));
  try {
    const file = join(directory, 'values.yaml');
    writeFileSync(file, stringify(values));
    const args =
      command === 'template'
        ? ['template', RELEASE, CHART_PATH, '--namespace', NAMESPACE, '-f', file]
        : ['lint', '--strict', CHART_PATH, '--namespace', NAMESPACE, '-f', file];
    return await runTool(kubeTools().helm, args);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** `helm template` output as objects; throws with helm's stderr when it fails. */
export async function renderChart(values: unknown): Promise<KubeObject[]> {
  const result = await helmWithValues('template', values);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/** The example configurations of deploy/examples, by file name. */
export function exampleConfigs(): Map<string, { text: string; config: Record<string, unknown> }> {
  const names = readdirSync(EXAMPLES_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  return new Map(
    names.map((name) => {
      const text = readFileSync(new URL(name, EXAMPLES_DIR), 'utf8');
      return [name, { text, config: (parse(text) ?? {}) as Record<string, unknown> }];
    }),
  );
}

/**
 * An example as it runs on Kubernetes: pods cannot share the embedded memory bus, so an example
 * that keeps the default gets a NATS bus (what docker-compose and the README's install use).
 */
export function onKubernetes(config: Record<string, unknown>): Record<string, unknown> {
  const bus = (config.bus ?? {}) as Record<string, unknown>;
  if (bus.transport === 'nats' || bus.transport === 'servicebus') return config;
  return {
    ...config,
    bus: { ...bus, transport: 'nats', nats: { servers: ['nats://nats.nats:4222'] } },
  };
}

/** The value at a dotted path (`spec.template.spec.containers.0.image`), for assertions. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Regions a tag-driven example needs named, as `--region` / `extraRegions`. */
export const TAG_REGIONS = ['swedencentral'];
