import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateDeployment } from './validate-deployment';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const copies: string[] = [];

/** A copy of the deployment with one text replaced in one file (the replacement must apply). */
async function problemsWith(file: string, from: string | RegExp, to: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'akvr-deploy-'));
  copies.push(dir);
  for (const path of ['docker-compose.yml', '.dockerignore', 'deploy'])
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  const original = readFileSync(join(dir, file), 'utf8');
  const changed = original.replace(from, to);
  assert.notEqual(changed, original, `${String(from)} not found in ${file}`);
  writeFileSync(join(dir, file), changed);
  return validateDeployment(dir);
}

/** Asserts that some problem matches — and that the unbroken deployment has none of them. */
function assertFound(problems: string[], expected: RegExp): void {
  assert.ok(
    problems.some((p) => expected.test(p)),
    `expected a problem matching ${String(expected)}, got:\n${problems.join('\n')}`,
  );
}

describe('the deployment in this repository', () => {
  after(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('is structurally valid', async () => {
    assert.deepEqual(await validateDeployment(ROOT), []);
  });

  it('fails on a dashboard query with a wrong metric name', async () => {
    const problems = await problemsWith(
      'deploy/grafana/dashboards/keyvault-throttling.json',
      /akvr_keyvault_throttled_total/g,
      'akvr_keyvault_throttles_total',
    );
    assertFound(
      problems,
      /keyvault-throttling\.json: panel \d+ .*unknown metric akvr_keyvault_throttles_total/,
    );
  });

  it('fails on a dashboard query with a label the metric lacks', async () => {
    const problems = await problemsWith(
      'deploy/grafana/dashboards/bus-health.json',
      'sum by (topic) (rate(akvr_bus_published_total',
      'sum by (subscription) (rate(akvr_bus_published_total',
    );
    assertFound(problems, /grouping by "subscription", which none of akvr_bus_published_total has/);
  });

  it('fails when a trace search names a service nothing runs as', async () => {
    const problems = await problemsWith(
      'deploy/grafana/dashboards/replication-overview.json',
      '"service": "akv-replicator-ingress"',
      '"service": "ingress"',
    );
    assertFound(problems, /no service sends traces as "ingress"/);
  });

  it('fails when a dashboard uses a datasource that is not provisioned', async () => {
    const problems = await problemsWith(
      'deploy/grafana/provisioning/datasources/datasources.yaml',
      'uid: prometheus',
      'uid: prom',
    );
    assertFound(
      problems,
      /replication-overview\.json: .*datasource uid "prometheus" is not provisioned/,
    );
  });

  it('fails when a compose service builds a target the Dockerfile lacks', async () => {
    const problems = await problemsWith('deploy/docker/Dockerfile', 'AS notifier', 'AS notify');
    assertFound(problems, /notifier: build target notifier is not a stage/);
  });

  it('fails when Prometheus scrapes a port the service does not expose', async () => {
    const problems = await problemsWith(
      'deploy/prometheus/prometheus.yml',
      "'discovery:9464'",
      "'discovery:9465'",
    );
    assertFound(problems, /discovery:9465: service discovery does not expose port 9465/);
    assertFound(problems, /service discovery exposes metrics on 9464 but no job scrapes it/);
  });

  it("fails when the collector's exporter points at no compose service", async () => {
    const problems = await problemsWith(
      'deploy/otel-collector/config.yaml',
      'endpoint: jaeger:4317',
      'endpoint: tempo:4317',
    );
    assertFound(problems, /exporter otlp\/jaeger: tempo:4317: no compose service "tempo"/);
  });

  it('fails when a pipeline names an undefined component', async () => {
    const problems = await problemsWith(
      'deploy/otel-collector/config.yaml',
      'processors: [memory_limiter, batch]',
      'processors: [memory_limiter, batch, attributes]',
    );
    assertFound(problems, /traces: processors attributes is not defined/);
  });

  it('fails when an image would run as root', async () => {
    const problems = await problemsWith(
      'deploy/docker/Dockerfile',
      /^USER node\nENTRYPOINT/m,
      'ENTRYPOINT',
    );
    assertFound(problems, /target ingress\): runs as root: set a non-root USER/);
  });

  it('fails when an app container has a writable root filesystem', async () => {
    const problems = await problemsWith(
      'docker-compose.yml',
      /read_only: true\n {2}tmpfs/,
      'tmpfs',
    );
    assertFound(problems, /discovery: app container is not read_only/);
  });

  it('fails when a COPY source does not exist or is not produced by its stage', async () => {
    const missing = await problemsWith(
      'deploy/docker/Dockerfile',
      'COPY deploy/docker/healthcheck.mjs',
      'COPY deploy/docker/health.mjs',
    );
    assertFound(missing, /COPY source deploy\/docker\/health\.mjs does not exist/);
    const notBuilt = await problemsWith(
      'deploy/docker/Dockerfile',
      'COPY --from=build /out/notifier/',
      'COPY --from=build /out/notifiers/',
    );
    assertFound(notBuilt, /\/out\/notifiers\/ is not produced in stage build/);
    const excluded = await problemsWith('.dockerignore', '.tmp', '.tmp\ndeploy/docker/*.mjs');
    assertFound(
      excluded,
      /COPY source deploy\/docker\/healthcheck\.mjs is excluded by \.dockerignore/,
    );
  });

  it('fails when the healthcheck port is not exposed', async () => {
    const problems = await problemsWith(
      'deploy/docker/Dockerfile',
      'HEALTHCHECK_URL=http://127.0.0.1:8080/readyz',
      'HEALTHCHECK_URL=http://127.0.0.1:8081/readyz',
    );
    assertFound(problems, /target ingress\): HEALTHCHECK_URL port 8081 is not EXPOSEd/);
    assertFound(problems, /ingress: its healthcheck uses port 8081, which it does not expose/);
  });

  it('fails when a container runs another service than its image', async () => {
    const problems = await problemsWith(
      'docker-compose.yml',
      "'--services', 'notifier'",
      "'--services', 'replicator'",
    );
    assertFound(problems, /notifier: runs --services replicator on the notifier image/);
  });

  it('fails when the config and the emulator disagree', async () => {
    const host = await problemsWith(
      'docker-compose.yml',
      '- --public-host\n      - keyvault-emulator',
      '- --public-host\n      - localhost',
    );
    assertFound(host, /--public-host is localhost, not keyvault-emulator/);
    const vault = await problemsWith(
      'deploy/compose/akv-replicator.yaml',
      'kv-demo-eus',
      'kv-demo-wus',
    );
    assertFound(vault, /link demo: vault kv-demo-wus is not one the emulator starts/);
    const token = await problemsWith(
      'deploy/compose/akv-replicator.yaml',
      'token: compose-demo-token',
      'token: other',
    );
    assertFound(token, /azure.emulator.token is not a token the emulator accepts/);
  });

  it('fails on a misspelt compose key and a health condition that can never hold', async () => {
    const typo = await problemsWith(
      'docker-compose.yml',
      'stop_grace_period:',
      'stop_grace_periode:',
    );
    assertFound(typo, /discovery: unknown key stop_grace_periode/);
    const unhealthy = await problemsWith(
      'docker-compose.yml',
      /healthcheck:\n {6}test: \['CMD', 'wget'[^\]]*\]\n {6}interval: 5s\n {6}timeout: 3s\n {6}retries: 10\n/,
      '',
    );
    assertFound(unhealthy, /ingress: waits for nats to be healthy, which has no health check/);
  });

  it("publishes discovery's status port on the host's loopback only, and only while status is on", async () => {
    const everywhere = await problemsWith(
      'docker-compose.yml',
      "'127.0.0.1:8081:8081'",
      "'8081:8081'",
    );
    assertFound(everywhere, /discovery: the status port 8081 is published on every interface/);
    const unpublished = await problemsWith(
      'docker-compose.yml',
      "- '127.0.0.1:8081:8081'",
      "- '127.0.0.1:8444:8444'",
    );
    assertFound(unpublished, /discovery: status is enabled but port 8081 is not published/);
    const off = await problemsWith(
      'deploy/compose/akv-replicator.yaml',
      /status:\n {2}enabled: true/,
      'status:\n  enabled: false',
    );
    assertFound(off, /discovery: publishes 8081, the status port, but status is not enabled/);
    const noToken = await problemsWith('docker-compose.yml', / {6}STATUS_TOKEN: .*\n/, '');
    assertFound(
      noToken,
      /discovery: status.token reads STATUS_TOKEN, which discovery's environment lacks/,
    );
  });

  it('fails on an invalid akv-replicator configuration', async () => {
    const problems = await problemsWith(
      'deploy/compose/akv-replicator.yaml',
      'metricsPort: 9464',
      'metricsPorts: 9464',
    );
    assertFound(problems, /akv-replicator\.yaml: invalid: .*telemetry\.metricsPorts: unknown key/s);
  });
});
