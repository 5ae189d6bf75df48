// Measures how many simple data-plane requests per second the emulator serves: GET of one
// secret over keep-alive HTTPS from several concurrent connections. The emulator runs in its
// own process (started through the CLI, as users run it) so client and server do not share
// an event loop. Throttling is off: the point is the emulator's own ceiling, which must stay
// far above Key Vault's 400 requests/s per vault.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 10_000);
const WARMUP_MS = 2_000;
const TARGET_RPS = 3_000;
const here = dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = join(here, '../../../bench/results/emulator-throughput.json');

const child = spawn(
  process.execPath,
  [join(here, '../bin/keyvault-emulator.js'), '--vault', 'bench', '--no-throttling'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const ready = await new Promise<{ vaults: Record<string, string>; caFile: string }>(
  (resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  },
);
const ca = await readFile(ready.caFile, 'utf8');
const vault = new URL(ready.vaults['bench']!);
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, ca });
const headers = { authorization: 'Bearer bench' };

function send(method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: vault.hostname,
        port: vault.port,
        method,
        path,
        agent,
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

await send(
  'PUT',
  '/secrets/bench-secret?api-version=7.5',
  JSON.stringify({ value: 'x'.repeat(64) }),
);

async function run(
  ms: number,
  latencies: number[] | undefined,
): Promise<{ ok: number; failed: number }> {
  const end = performance.now() + ms;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        const status = await send('GET', '/secrets/bench-secret/?api-version=7.5');
        if (status === 200) ok += 1;
        else failed += 1;
        latencies?.push(performance.now() - started);
      }
    }),
  );
  return { ok, failed };
}

await run(WARMUP_MS, undefined);
const latencies: number[] = [];
const started = performance.now();
const { ok, failed } = await run(DURATION_MS, latencies);
const elapsedS = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (p: number): number =>
  Number(
    (
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
    ).toFixed(2),
  );

const result = {
  benchmark: 'keyvault-emulator GET secret over keep-alive HTTPS',
  requestsPerSecond: Math.round(ok / elapsedS),
  p50Ms: percentile(50),
  p90Ms: percentile(90),
  p99Ms: percentile(99),
  requests: ok,
  failed,
  connections: CONNECTIONS,
  durationS: Number(elapsedS.toFixed(2)),
  targetRequestsPerSecond: TARGET_RPS,
  meetsTarget: ok / elapsedS >= TARGET_RPS,
  cpus: cpus().length,
  node: process.version,
  measuredAt: new Date().toISOString(),
};
await mkdir(dirname(RESULT_FILE), { recursive: true });
await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));

agent.destroy();
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
process.exitCode = result.meetsTarget && failed === 0 ? 0 : 1;
