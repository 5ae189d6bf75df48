import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

/** One benchmark's result file: figures plus the ratio that judges it. */
export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, number | string>;
  readonly figures: Record<string, number>;
  readonly ratio: {
    readonly value: number;
    readonly meaning: string;
    readonly target?: string;
    readonly pass?: boolean;
  };
  readonly notes?: string;
}

export async function writeResult(result: BenchResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    // The machine is shared: absolute figures mean little without how busy it was.
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  };
  await writeFile(
    `${RESULTS_DIR}${result.name}.json`,
    `${JSON.stringify({ ...result, machine, at: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(
    `${result.name}: ${result.ratio.meaning} = ${result.ratio.value.toFixed(3)}${result.ratio.target ? ` (target ${result.ratio.target}: ${result.ratio.pass ? 'pass' : 'FAIL'})` : ''}`,
  );
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
