import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { loadConfigFile } from '@akv-replicator/core';
import {
  commandWords,
  containerPorts,
  dependencies,
  environmentOf,
  hostPort,
  parseCompose,
  type ComposeFile,
  type ComposeService,
} from './compose-model';
import { queryableSeries, type QueryableSeries } from './metric-catalog';
import { checkDashboard } from './validate-dashboards';
import { checkImages, type BuiltService } from './validate-images';

/** Where the deployment lives, relative to the repository root. */
export const DEPLOYMENT_FILES = {
  compose: 'docker-compose.yml',
  prometheus: 'deploy/prometheus/prometheus.yml',
  collector: 'deploy/otel-collector/config.yaml',
  datasources: 'deploy/grafana/provisioning/datasources',
  dashboardProviders: 'deploy/grafana/provisioning/dashboards',
  dashboards: 'deploy/grafana/dashboards',
} as const;

const CONFIG_IN_CONTAINER = '/etc/akv-replicator/config.yaml';

/**
 * Every structural problem of the deployment under `root`: images, compose wiring, the
 * Prometheus, collector and Grafana configuration, the dashboards' queries against what the
 * services export, and the akv-replicator configuration the containers run. Empty = valid.
 */
export async function validateDeployment(
  root: string,
  series: ReadonlyMap<string, QueryableSeries> = queryableSeries(),
): Promise<string[]> {
  const problems: string[] = [];
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const compose = parseCompose(read(DEPLOYMENT_FILES.compose));
  const services = compose.services;
  const report = (file: string) => (message: string) => problems.push(`${file}: ${message}`);

  const built = await checkImages(root, compose, report);
  checkCompose(root, compose, built, report(DEPLOYMENT_FILES.compose));
  checkPrometheus(
    compose,
    built,
    parse(read(DEPLOYMENT_FILES.prometheus)),
    report(DEPLOYMENT_FILES.prometheus),
  );
  checkCollector(
    compose,
    built,
    parse(read(DEPLOYMENT_FILES.collector)),
    report(DEPLOYMENT_FILES.collector),
  );
  checkGrafana(root, services, series, report);
  await checkAppConfig(root, services, built, report);
  return problems;
}

/** Whether `host:port` is a compose service that declares the port. */
function reachable(services: Record<string, ComposeService>, value: string): string | undefined {
  const address = hostPort(value);
  if (!address) return `"${value}" is not host:port`;
  const service = services[address.host];
  if (!service) return `${value}: no compose service "${address.host}"`;
  if (!containerPorts(service).has(address.port))
    return `${value}: service ${address.host} does not expose port ${address.port}`;
  return undefined;
}

function checkCompose(
  root: string,
  compose: ComposeFile,
  built: ReadonlyMap<string, BuiltService>,
  problem: (message: string) => void,
): void {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dependency of dependencies(service))
      if (!compose.services[dependency])
        problem(`${name}: depends_on unknown service ${dependency}`);
    if (!service.build && service.image && !/:[\w.-]+$/.test(service.image.split('/').at(-1)!))
      problem(`${name}: image ${service.image} has no version tag`);
    if (service.image?.endsWith(':latest'))
      problem(`${name}: image ${service.image} is not pinned`);
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
      if (source.startsWith('.') && !existsSync(join(root, source)))
        problem(`${name}: volume source ${source} does not exist`);
    }
    for (const [key, value] of Object.entries(environmentOf(service))) {
      const address = hostPort(value);
      if (address && compose.services[address.host]) {
        const unreachable = reachable(compose.services, value);
        if (unreachable) problem(`${name}: ${key}=${unreachable}`);
      }
    }
    const test = commandWords(service.healthcheck?.test).join(' ');
    for (const match of test.matchAll(/https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)/g))
      if (!containerPorts(service).has(Number(match[1])))
        problem(`${name}: healthcheck checks port ${match[1]}, which the service does not expose`);
    if (built.has(name)) {
      if (service.read_only !== true) problem(`${name}: app container is not read_only`);
      if (!commandWords(service.tmpfs).some((mount) => mount.split(':')[0] === '/tmp'))
        problem(`${name}: app container has no tmpfs /tmp`);
    }
  }
}

function checkPrometheus(
  compose: ComposeFile,
  built: ReadonlyMap<string, BuiltService>,
  config: { scrape_configs?: { job_name?: string; static_configs?: { targets?: string[] }[] }[] },
  problem: (message: string) => void,
): void {
  const scraped = new Set<string>();
  const prometheus = Object.entries(compose.services).find(([, s]) =>
    s.image?.startsWith('prom/prometheus'),
  );
  for (const job of config.scrape_configs ?? []) {
    for (const target of (job.static_configs ?? []).flatMap((s) => s.targets ?? [])) {
      const address = hostPort(target);
      const resolved =
        address?.host === 'localhost' && prometheus ? `${prometheus[0]}:${address.port}` : target;
      const unreachable = reachable(compose.services, resolved);
      if (unreachable) problem(`job ${job.job_name}: ${unreachable}`);
      scraped.add(resolved);
    }
  }
  for (const [name, service] of built)
    if (service.metricsPort !== undefined && !scraped.has(`${name}:${service.metricsPort}`))
      problem(`service ${name} exposes metrics on ${service.metricsPort} but no job scrapes it`);
}

type Pipelines = Record<
  string,
  { receivers?: string[]; processors?: string[]; exporters?: string[] }
>;

function checkCollector(
  compose: ComposeFile,
  built: ReadonlyMap<string, BuiltService>,
  config: Record<string, Record<string, unknown> | undefined> & {
    service?: { pipelines?: Pipelines; extensions?: string[] };
  },
  problem: (message: string) => void,
): void {
  const collector = Object.entries(compose.services).find(([, s]) =>
    s.image?.startsWith('otel/opentelemetry-collector'),
  );
  if (!collector) return problem('no OpenTelemetry Collector service in compose');
  const pipelines = config.service?.pipelines ?? {};
  if (Object.keys(pipelines).length === 0) problem('no pipelines');
  for (const [pipeline, parts] of Object.entries(pipelines)) {
    for (const section of ['receivers', 'processors', 'exporters'] as const) {
      if (section !== 'processors' && !parts[section]?.length)
        problem(`${pipeline}: no ${section}`);
      for (const component of parts[section] ?? [])
        if (!config[section]?.[component])
          problem(`${pipeline}: ${section} ${component} is not defined`);
    }
    for (const exporter of parts.exporters ?? []) {
      const endpoint = (config['exporters']?.[exporter] as { endpoint?: string } | undefined)
        ?.endpoint;
      if (endpoint) {
        const unreachable = reachable(compose.services, endpoint);
        if (unreachable) problem(`exporter ${exporter}: ${unreachable}`);
      }
    }
  }
  for (const extension of config.service?.extensions ?? [])
    if (!config['extensions']?.[extension]) problem(`extension ${extension} is not defined`);
  const receiverPorts = new Set<number>();
  for (const receiver of Object.values(config['receivers'] ?? {}) as {
    protocols?: Record<string, { endpoint?: string }>;
  }[])
    for (const protocol of Object.values(receiver?.protocols ?? {})) {
      const address = protocol?.endpoint ? hostPort(protocol.endpoint) : undefined;
      if (address) receiverPorts.add(address.port);
    }
  for (const name of built.keys()) {
    const endpoint = environmentOf(compose.services[name]!)['OTEL_EXPORTER_OTLP_ENDPOINT'];
    if (!endpoint) continue;
    const address = hostPort(endpoint);
    if (address?.host !== collector[0])
      problem(
        `${name}: OTEL_EXPORTER_OTLP_ENDPOINT ${endpoint} is not the collector (${collector[0]})`,
      );
    else if (!receiverPorts.has(address.port))
      problem(`${name}: OTEL_EXPORTER_OTLP_ENDPOINT port ${address.port} is no receiver's`);
  }
}

function checkGrafana(
  root: string,
  services: Record<string, ComposeService>,
  series: ReadonlyMap<string, QueryableSeries>,
  report: (file: string) => (message: string) => void,
): void {
  const datasources = new Map<string, string>();
  const yamlFiles = (dir: string) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir)).filter((f) => /\.ya?ml$/.test(f))
      : [];
  for (const file of yamlFiles(DEPLOYMENT_FILES.datasources)) {
    const path = posix.join(DEPLOYMENT_FILES.datasources, file);
    const problem = report(path);
    const parsed = parse(readFileSync(join(root, path), 'utf8')) as {
      datasources?: { uid?: string; type?: string; url?: string; name?: string }[];
    };
    for (const source of parsed.datasources ?? []) {
      if (!source.uid || !source.type) problem(`datasource ${source.name}: needs uid and type`);
      else datasources.set(source.uid, source.type);
      const unreachable = source.url ? reachable(services, source.url) : undefined;
      if (unreachable) problem(`datasource ${source.uid}: ${unreachable}`);
    }
  }
  if (datasources.size === 0) report(DEPLOYMENT_FILES.datasources)('no datasource provisioned');

  const grafana = Object.entries(services).find(([, s]) => s.image?.startsWith('grafana/grafana'));
  const mounts = new Map(
    (grafana?.[1].volumes ?? [])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.split(':'))
      .map(([source, target]) => [posix.normalize(source!), target!]),
  );
  if (!grafana) report(DEPLOYMENT_FILES.compose)('no Grafana service');
  const dashboardsMount = mounts.get(DEPLOYMENT_FILES.dashboards);
  for (const file of yamlFiles(DEPLOYMENT_FILES.dashboardProviders)) {
    const path = posix.join(DEPLOYMENT_FILES.dashboardProviders, file);
    const parsed = parse(readFileSync(join(root, path), 'utf8')) as {
      providers?: { name?: string; options?: { path?: string } }[];
    };
    for (const provider of parsed.providers ?? [])
      if (provider.options?.path !== dashboardsMount)
        report(path)(
          `provider ${provider.name} reads ${provider.options?.path}, but ${DEPLOYMENT_FILES.dashboards} is mounted at ${dashboardsMount}`,
        );
  }
  if (grafana && mounts.get('deploy/grafana/provisioning') !== '/etc/grafana/provisioning')
    report(DEPLOYMENT_FILES.compose)(
      'grafana does not mount deploy/grafana/provisioning at /etc/grafana/provisioning',
    );

  const uids = new Map<string, string>();
  const dashboards = readdirSync(join(root, DEPLOYMENT_FILES.dashboards)).filter((f) =>
    f.endsWith('.json'),
  );
  if (dashboards.length === 0) report(DEPLOYMENT_FILES.dashboards)('no dashboards');
  for (const file of dashboards) {
    const path = posix.join(DEPLOYMENT_FILES.dashboards, file);
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(readFileSync(join(root, path), 'utf8'));
    } catch (error) {
      report(path)(`invalid JSON: ${(error as Error).message}`);
      continue;
    }
    for (const problem of checkDashboard(dashboard, datasources, series)) report(path)(problem);
    const uid = (dashboard as { uid?: string }).uid;
    if (uid && uids.has(uid)) report(path)(`dashboard uid ${uid} also used by ${uids.get(uid)}`);
    if (uid) uids.set(uid, file);
  }
}

/**
 * The akv-replicator configuration the containers mount: valid (with the containers'
 * environment), its endpoints are compose services, and it agrees with the emulator's command.
 */
async function checkAppConfig(
  root: string,
  services: Record<string, ComposeService>,
  built: ReadonlyMap<string, BuiltService>,
  report: (file: string) => (message: string) => void,
): Promise<void> {
  const problem = report(DEPLOYMENT_FILES.compose);
  const apps = [...built.values()].filter((s) => s.serviceName !== undefined);
  const sources = new Set<string>();
  for (const app of apps) {
    const mount = (services[app.composeName]!.volumes ?? [])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.split(':'))
      .find(([, target]) => target === CONFIG_IN_CONTAINER);
    if (!mount) problem(`${app.composeName}: nothing mounted at ${CONFIG_IN_CONTAINER}`);
    else sources.add(posix.normalize(mount[0]!));
    const words = app.command;
    const config = words[words.indexOf('--config') + 1];
    if (!words.includes('--config') || config !== CONFIG_IN_CONTAINER)
      problem(`${app.composeName}: command does not read --config ${CONFIG_IN_CONTAINER}`);
  }
  for (const source of sources) {
    const configProblem = report(source);
    const env = environmentOf(services[apps[0]!.composeName]!);
    let loaded;
    try {
      loaded = await loadConfigFile(join(root, source), { env });
    } catch (error) {
      configProblem(`invalid: ${(error as Error).message}`);
      continue;
    }
    const { config } = loaded;
    for (const server of config.bus.nats?.servers ?? []) {
      const unreachable = reachable(services, server);
      if (unreachable) configProblem(`bus.nats.servers: ${unreachable}`);
    }
    const emulatorConfig = config.azure.emulator;
    if (!emulatorConfig) continue;
    const arm = hostPort(config.azure.armEndpoint);
    const emulator = arm ? services[arm.host] : undefined;
    if (!arm || !emulator) {
      configProblem(`azure.armEndpoint ${config.azure.armEndpoint} is no compose service`);
      continue;
    }
    const words = commandWords(emulator.command);
    const flag = (name: string) => words[words.indexOf(name) + 1];
    const vaults = words.flatMap((w, i) => (words[i - 1] === '--vault' ? [w.split('@')[0]!] : []));
    if (flag('--public-host') !== arm.host)
      configProblem(
        `the emulator's --public-host is ${flag('--public-host')}, not ${arm.host}: its URLs and certificate would not match`,
      );
    if (Number(flag('--port-base')) !== arm.port)
      configProblem(
        `azure.armEndpoint port ${arm.port} is not the emulator's --port-base ${flag('--port-base')}`,
      );
    for (let i = 0; i <= vaults.length; i += 1)
      if (!containerPorts(emulator).has(arm.port + i))
        configProblem(
          `the emulator does not expose port ${arm.port + i} (ARM and ${vaults.length} vaults)`,
        );
    if (words.includes('--strict-auth') && flag('--strict-auth') !== emulatorConfig.token)
      configProblem('azure.emulator.token is not a token the emulator accepts (--strict-auth)');
    for (const link of loaded.topology.links)
      for (const vault of [link.source.name, ...link.replicas.map((r) => r.name)])
        if (!vaults.includes(vault))
          configProblem(`link ${link.name}: vault ${vault} is not one the emulator starts`);
    const stateDir = flag('--state-dir');
    const stateVolume = (emulator.volumes ?? [])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.split(':'))
      .find(([, target]) => target === stateDir)?.[0];
    for (const app of apps) {
      const shared = (services[app.composeName]!.volumes ?? [])
        .filter((v): v is string => typeof v === 'string')
        .some(
          (v) =>
            v.split(':')[0] === stateVolume &&
            emulatorConfig.caFile.startsWith(`${v.split(':')[1]}/`),
        );
      if (!stateVolume || !shared)
        problem(
          `${app.composeName}: ${emulatorConfig.caFile} is not on the emulator's state volume`,
        );
    }
  }
}
