import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { environmentOf, reachable, type ComposeService } from './compose-model';
import type { QueryableSeries } from './metric-catalog';
import { DEPLOYMENT_FILES } from './deployment-files';
import { checkDashboard } from './validate-dashboards';

/**
 * Grafana's provisioning: datasources (uid, type, reachable URL), the dashboard provider reading
 * the mounted dashboards folder, and every dashboard (see checkDashboard); uids unique.
 */
export function checkGrafana(
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

  const traceServices = new Set(
    Object.values(services)
      .map((service) => environmentOf(service)['OTEL_SERVICE_NAME'])
      .filter((name): name is string => !!name),
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
    for (const problem of checkDashboard(dashboard, datasources, series, traceServices))
      report(path)(problem);
    const uid = (dashboard as { uid?: string }).uid;
    if (uid && uids.has(uid)) report(path)(`dashboard uid ${uid} also used by ${uids.get(uid)}`);
    if (uid) uids.set(uid, file);
  }
}
