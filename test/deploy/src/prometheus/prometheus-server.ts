import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Debian's package puts the server here (`apt-get install prometheus`, .ci/run). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface ScrapeJob {
  readonly job: string;
  readonly targets: readonly string[];
}

export interface PrometheusServer {
  readonly url: string;
  /** The instant-query result of one PromQL expression (`/api/v1/query`). */
  query(expression: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export function prometheusUnavailable(): string | undefined {
  return existsSync(PROMETHEUS_BINARY)
    ? undefined
    : `${PROMETHEUS_BINARY} missing (apt-get install prometheus)`;
}

/**
 * A real Prometheus on a free loopback port with its own storage directory and a generated scrape
 * configuration; resolves once it answers /-/ready. stop() ends it and removes its files.
 */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  scrapeIntervalSeconds = 1,
): Promise<PrometheusServer> {
  const directory = mkdtempSync(join(tmpdir(), 'akvr-prometheus-'));
  const configFile = join(directory, 'prometheus.yml');
  writeFileSync(
    configFile,
    stringify({
      global: {
        scrape_interval: `${scrapeIntervalSeconds}s`,
        evaluation_interval: `${scrapeIntervalSeconds}s`,
      },
      scrape_configs: jobs.map(({ job, targets }) => ({
        job_name: job,
        metrics_path: '/metrics',
        static_configs: [{ targets }],
      })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output.join(''));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async query(expression) {
      const response = await fetch(
        `${url}/api/v1/query?${new URLSearchParams({ query: expression })}`,
      );
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[];
        };
      };
      if (body.status !== 'success')
        throw new Error(`${expression}: ${body.error ?? response.status}`);
      return body.data?.result ?? [];
    },
    stop,
  };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  // Generous: on a busy machine the TSDB can take seconds to open.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited ${child.exitCode}: ${output()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready within 60 s: ${output()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
