// One latency run in this process, printed as JSON on the last line of stdout: benchLatency
// starts it under another Node runtime (BENCH_COMPARE_NODE) to compare runtimes in the same run.
import { runLatency } from './latency';

const [changesPerSecond, seconds] = process.argv.slice(2).map(Number);
if (!Number.isFinite(changesPerSecond) || !Number.isFinite(seconds))
  throw new Error('usage: latency-runtime.ts <changesPerSecond> <seconds>');
const run = await runLatency(changesPerSecond!, seconds!);
process.stdout.write(`\n${JSON.stringify(run)}\n`);
