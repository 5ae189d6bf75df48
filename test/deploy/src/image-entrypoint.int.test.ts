import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, startNats, type NatsServer } from '@akv-replicator/test-kit';
import { commandWords, environmentOf, parseCompose } from './compose-model';
import { argumentWords, imageEnv, parseDockerfile } from './dockerfile';
import { queryableSeries } from './metric-catalog';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8'));
const compose = parseCompose(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
const CONFIG_FILE = join(ROOT, 'deploy/compose/akv-replicator.yaml');
const APP_SERVICES = [
  'ingress',
  'discovery',
  'replicator-northeurope',
  'replicator-eastus',
  'certificate-converter',
  'notifier',
] as const;

interface Running {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: string[];
  readonly metricsPort?: number;
}

/** The container's argv (ENTRYPOINT + compose command or CMD) with /app mapped to the tree. */
function containerArgv(service: string, tree: string): string[] {
  const target = (compose.services[service]!.build as { target: string }).target;
  const entrypoint = argumentWords(dockerfile.effective(target, 'ENTRYPOINT')!.args);
  const command = compose.services[service]!.command
    ? commandWords(compose.services[service]!.command)
    : argumentWords(dockerfile.effective(target, 'CMD')!.args);
  assert.equal(entrypoint[0], 'node');
  return [...entrypoint.slice(1), ...command].map((word) =>
    word.startsWith('/app/') ? join(tree, word.slice('/app/'.length)) : word,
  );
}

/** The environment the compose service's image sets (ENV instructions). */
function imageEnvOf(service: string): Record<string, string> {
  return imageEnv(dockerfile, (compose.services[service]!.build as { target: string }).target);
}

function httpsGet(
  url: string,
  ca: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The images' entrypoints without Docker: each target's runtime tree is assembled the way the
 * Dockerfile's build stage does, and every compose service is started from its tree with the
 * container's exact argv (ENTRYPOINT + command) and the compose configuration file; only
 * addresses differ (loopback ports instead of compose service names), set through the
 * documented AKV_REPLICATOR__* overrides. Then the demo load writes a secret and the replicas
 * receive it, and the images' HEALTHCHECK passes for every service.
 */
describe('container entrypoints from the pruned runtime trees (no Docker)', () => {
  const work = mkdtempSync(join(tmpdir(), 'akvr-images-'));
  const running: Running[] = [];
  let nats: NatsServer;
  let otlp: Server;
  const otlpRequests: string[] = [];
  let emulator: { vaults: Record<string, string>; arm: string; caFile: string };
  let ingressPort: number;
  let statusPort: number;
  const prefix = `img${randomBytes(3).toString('hex')}`;
  const token = (compose.services['keyvault-emulator']!.command as string[]).at(
    (compose.services['keyvault-emulator']!.command as string[]).indexOf('--strict-auth') + 1,
  )!;

  const launch = (name: string, argv: string[], env: NodeJS.ProcessEnv, metricsPort?: number) => {
    const child = spawn(process.execPath, argv, {
      env: { PATH: process.env['PATH'], ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const entry = { name, child, output, ...(metricsPort ? { metricsPort } : {}) };
    running.push(entry);
    return entry;
  };
  const logs = () =>
    running.map((r) => `--- ${r.name}\n${r.output.join('').slice(-1500)}`).join('\n');

  // Building the bundle, assembling six image trees and starting every service can outlast the
  // runner's per-test default on a loaded 2-core machine; it is one-off setup, not a measurement.
  before(
    async () => {
      const buildStage = dockerfile.stage('build')!;
      const loop = buildStage.instructions.find((i) => i.args.includes('runtime-tree.mjs'))!;
      const targets = /for\s+\w+\s+in\s+([^;]+);/.exec(loop.args)![1]!.trim().split(/\s+/);
      // The bundle lives in the shared services/cli/dist: another build may rewrite it while we
      // copy, which runtime-tree.mjs detects (incomplete bundle); then build and copy again.
      for (let attempt = 1; ; attempt += 1) {
        const build = spawnSync(process.execPath, ['build.mjs'], {
          cwd: join(ROOT, 'services/cli'),
          encoding: 'utf8',
        });
        assert.equal(build.status, 0, build.stderr);
        const failures = targets
          .map((target) =>
            spawnSync(
              process.execPath,
              [
                join(ROOT, 'deploy/docker/runtime-tree.mjs'),
                '--target',
                target,
                '--out',
                join(work, target),
                '--hardlink',
              ],
              { encoding: 'utf8' },
            ),
          )
          .filter((assembled) => assembled.status !== 0)
          .map((assembled) => assembled.stderr);
        if (failures.length === 0) break;
        if (attempt === 3 || !failures.every((f) => f.includes('incomplete bundle')))
          assert.fail(failures.join('\n'));
      }
      nats = await startNats();
      // Spans go somewhere that answers, as the collector would.
      otlp = createServer((req, res) => {
        otlpRequests.push(`${req.method} ${req.url}`);
        req.resume().on('end', () => res.end('{}'));
      });
      await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
      const otlpPort = (otlp.address() as { port: number }).port;

      const portBase = await freePort();
      const emulatorArgv = containerArgv('keyvault-emulator', join(work, 'emulator')).map(
        (word, i, all) =>
          all[i - 1] === '--host' || all[i - 1] === '--public-host'
            ? '127.0.0.1'
            : all[i - 1] === '--port-base'
              ? String(portBase)
              : all[i - 1] === '--state-dir'
                ? join(work, 'emulator-state')
                : word,
      );
      const emulatorProcess = launch('keyvault-emulator', emulatorArgv, {});
      emulator = await until(
        'emulator ready line',
        async () => {
          const line = emulatorProcess.output
            .join('')
            .split('\n')
            .find((l) => l.startsWith('{'));
          return line ? (JSON.parse(line) as typeof emulator) : undefined;
        },
        30_000,
      );

      ingressPort = await freePort();
      statusPort = await freePort();
      for (const service of APP_SERVICES) {
        const metricsPort = await freePort();
        // As in the container: the image's ENV (NODE_OPTIONS …), then compose's environment.
        const env = {
          ...imageEnvOf(service),
          ...environmentOf(compose.services[service]!),
          // One path per service, so the test can tell whose spans arrived.
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}/${service}`,
          AKV_REPLICATOR__AZURE__ARMENDPOINT: emulator.arm,
          AKV_REPLICATOR__AZURE__EMULATOR__CAFILE: emulator.caFile,
          AKV_REPLICATOR__BUS__NATS__SERVERS__0: nats.url,
          AKV_REPLICATOR__BUS__NATS__PREFIX: prefix,
          AKV_REPLICATOR__INGRESS__HOST: '127.0.0.1',
          AKV_REPLICATOR__INGRESS__PORT: String(ingressPort),
          AKV_REPLICATOR__TELEMETRY__METRICSPORT: String(metricsPort),
          // Compose publishes discovery's 0.0.0.0:8081 on the host's loopback; here it is loopback.
          AKV_REPLICATOR__STATUS__HOST: '127.0.0.1',
          AKV_REPLICATOR__STATUS__PORT: String(statusPort),
        };
        const argv = containerArgv(
          service,
          join(work, (compose.services[service]!.build as { target: string }).target),
        ).map((word) => (word === '/etc/akv-replicator/config.yaml' ? CONFIG_FILE : word));
        launch(service, argv, env, metricsPort);
      }
      for (const entry of running.slice(1))
        await until(
          `${entry.name} up`,
          async () => (/akv-replicator up/.test(entry.output.join('')) ? true : undefined),
          60_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${logs()}`);
        });
    },
    { timeout: 600_000 },
  );

  after(async () => {
    for (const entry of running) if (entry.child.exitCode === null) entry.child.kill('SIGKILL');
    await nats?.stop();
    await new Promise((resolve) => (otlp ? otlp.close(resolve) : resolve(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  it("passes each image's HEALTHCHECK", () => {
    for (const entry of running.slice(1)) {
      const url = new URL(imageEnvOf(entry.name)['HEALTHCHECK_URL']!);
      url.port = String(url.port === '8080' ? ingressPort : entry.metricsPort);
      const check = spawnSync(process.execPath, [join(ROOT, 'deploy/docker/healthcheck.mjs')], {
        env: { ...process.env, HEALTHCHECK_URL: url.href },
        encoding: 'utf8',
      });
      assert.equal(check.status, 0, `${entry.name}: ${check.stderr}\n${logs()}`);
    }
    // The emulator's: HTTPS on its ARM port, trusting the CA in its state directory.
    const env = imageEnvOf('keyvault-emulator');
    const url = new URL(env['HEALTHCHECK_URL']!);
    url.port = new URL(emulator.arm).port;
    assert.equal(env['HEALTHCHECK_CA_FILE'], '/var/lib/keyvault-emulator/ca.pem');
    const check = spawnSync(process.execPath, [join(ROOT, 'deploy/docker/healthcheck.mjs')], {
      env: { ...process.env, HEALTHCHECK_URL: url.href, HEALTHCHECK_CA_FILE: emulator.caFile },
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, `keyvault-emulator: ${check.stderr}`);
  });

  it('replicates what the demo load writes, through every container', async () => {
    const demo = spawnSync(process.execPath, [join(ROOT, 'deploy/compose/demo-load.mjs')], {
      env: {
        PATH: process.env['PATH'],
        EMULATOR_ARM: emulator.arm,
        EMULATOR_CA_FILE: emulator.caFile,
        EMULATOR_TOKEN: token,
        INGRESS_URL: `http://127.0.0.1:${ingressPort}`,
        INGRESS_SHARED_SECRET: environmentOf(compose.services['demo-load']!)[
          'INGRESS_SHARED_SECRET'
        ],
        DEMO_WRITES: '1',
        DEMO_INTERVAL_SECONDS: '0',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(demo.status, 0, `${demo.stdout}${demo.stderr}`);
    assert.match(demo.stdout, /wrote demo-secret-0/);
    const ca = readFileSync(emulator.caFile, 'utf8');
    const read = async (vault: string) => {
      const response = await httpsGet(
        `${emulator.vaults[vault]}/secrets/demo-secret-0/?api-version=7.5`,
        ca,
        token,
      );
      return response.status === 200
        ? (JSON.parse(response.body) as { value: string }).value
        : undefined;
    };
    const source = await read('kv-demo-weu');
    assert.ok(source);
    for (const replica of ['kv-demo-neu', 'kv-demo-eus'])
      assert.equal(
        await until(`${replica}/demo-secret-0`, () => read(replica), 30_000).catch(
          (error: Error) => {
            throw new Error(`${error.message}\n${logs()}`);
          },
        ),
        source,
      );
  });

  it("serves discovery's status page with the token compose gives discovery, and only with it", async () => {
    const token = environmentOf(compose.services['discovery']!)['STATUS_TOKEN'];
    assert.ok(token, "STATUS_TOKEN in discovery's compose environment");
    const url = `http://127.0.0.1:${statusPort}/status`;
    const status = await until(
      'GET /status',
      async () => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        return response.status === 200 ? ((await response.json()) as unknown) : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${logs()}`);
    });
    assert.equal(typeof status, 'object');
    assert.equal((await fetch(url)).status, 401);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-token' } });
    assert.equal(wrong.status, 401);
  });

  it('exports only series and labels the dashboards are checked against', async () => {
    const series = queryableSeries();
    const seen = new Set<string>();
    for (const entry of running.slice(1)) {
      const text = await (await fetch(`http://127.0.0.1:${entry.metricsPort}/metrics`)).text();
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? /.exec(line);
        if (!match || !match[1]!.startsWith('akvr_')) continue;
        const known = series.get(match[1]!);
        assert.ok(known, `${entry.name} exports ${match[1]}, which no dashboard check knows`);
        for (const label of (match[2] ?? '').matchAll(/(\w+)="/g))
          assert.ok(
            known.labels.has(label[1]!),
            `${entry.name}: ${match[1]} has label ${label[1]}`,
          );
        seen.add(match[1]!);
      }
    }
    // The replication above went through these.
    for (const name of [
      'akvr_replication_lag_seconds_bucket',
      'akvr_tasks_total',
      'akvr_ingress_events_total',
      'akvr_bus_published_total',
      'akvr_keyvault_requests_total',
    ])
      assert.ok(seen.has(name), `${name} not exported; seen ${[...seen].join(', ')}`);
  });

  it('stops every service cleanly on SIGTERM (docker stop)', async () => {
    const services = running.slice(1);
    for (const entry of services) entry.child.kill('SIGTERM');
    const codes = await Promise.all(
      services.map(
        (entry) =>
          new Promise<number | null>((resolve) =>
            entry.child.exitCode !== null
              ? resolve(entry.child.exitCode)
              : entry.child.once('exit', (code) => resolve(code)),
          ),
      ),
    );
    assert.deepEqual(
      codes,
      services.map(() => 0),
      logs(),
    );
    // The services the demo secret went through exported spans to OTEL_EXPORTER_OTLP_ENDPOINT
    // (at the latest when stopping flushed them).
    for (const service of ['ingress', 'discovery', 'replicator-northeurope', 'replicator-eastus'])
      assert.ok(
        otlpRequests.includes(`POST /${service}/v1/traces`),
        `no spans from ${service}; OTLP requests: ${otlpRequests.join(', ')}`,
      );
  });
});
