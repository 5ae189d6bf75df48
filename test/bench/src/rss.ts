import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { SecretClient } from '@azure/keyvault-secrets';
import { StaticTokenCredential } from '@akv-replicator/keyvault-emulator';
import { productionCli } from './production-cli';
import { round, writeResult } from './results';

/** Peak RSS (VmHWM) of `akv-replicator up --local` while it replicates a steady write load. */
export async function benchRss(writes: number): Promise<void> {
  const child = spawn(
    productionCli()[0],
    // Node's defaults, as README's quick start runs it.
    [productionCli()[1], 'up', '--local', '--no-demo', '--log-level', 'error'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const ready = await new Promise<{ vaults: Record<string, string>; caFile: string }>(
      (resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.on('line', (line) => {
          if (line.startsWith('{')) resolve(JSON.parse(line));
        });
        child.once('exit', (code) => reject(new Error(`up --local exited with ${code}`)));
      },
    );
    const ca = await readFile(ready.caFile, 'utf8');
    const source = new SecretClient(
      ready.vaults['kv-demo-weu']!,
      new StaticTokenCredential('bench'),
      { tlsOptions: { ca }, disableChallengeResourceVerification: true },
    );
    const idle = await peakRssMiB(child.pid!);
    // up --local runs the emulator at Key Vault's real limits: write at the pace they allow.
    for (let i = 0; i < writes; i++) {
      for (;;) {
        try {
          await source.setSecret(`rss-${i}`, 'x'.repeat(1024));
          break;
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 429) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
    await new Promise((r) => setTimeout(r, 3000));
    const peak = await peakRssMiB(child.pid!);
    await writeResult({
      name: 'memory-up-local',
      description: `Peak resident memory of \`akv-replicator up --local\` (the emulator, the in-memory bus and every service in one process, run with Node's defaults as README's quick start runs it) after ${writes} secret writes replicated to 2 regions.`,
      parameters: { writes },
      figures: { idlePeakRssMiB: round(idle), loadedPeakRssMiB: round(peak) },
      // The 128 MiB target is per service (memory-per-service); this demo process also holds
      // the emulator and every service, so its figure is reported without a target.
      ratio: {
        value: peak / 128,
        meaning: 'peak RSS / 128 MiB (every service plus the emulator in one demo process)',
      },
      notes:
        'The demo, not a deployment shape: the per-service target is measured in memory-per-service, one process per service with its NODE_OPTIONS.',
    });
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}
