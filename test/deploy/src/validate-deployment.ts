import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  commandWords,
  containerPorts,
  dependencies,
  environmentOf,
  hostPort,
  parseCompose,
  reachable,
  type ComposeFile,
} from './compose-model';
import { queryableSeries, type QueryableSeries } from './metric-catalog';
import { checkComposeKeys } from './compose-keys';
import { DEPLOYMENT_FILES } from './deployment-files';
import { checkAppConfig } from './validate-app-config';
import { checkGrafana } from './validate-grafana';
import { checkImages, type BuiltService } from './validate-images';

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
  checkComposeKeys(
    compose as ComposeFile & Record<string, unknown>,
    (service) => built.get(service)?.hasHealthcheck === true,
    report(DEPLOYMENT_FILES.compose),
  );
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
