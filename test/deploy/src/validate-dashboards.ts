import type { QueryableSeries } from './metric-catalog';
import { parsePromQL } from './promql';

/** Functions whose range argument must be a counter (a series that only grows). */
const COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'resets']);

/**
 * Problems with one PromQL query against the series Prometheus really holds: unknown metrics,
 * labels the metric does not carry, rate() over a gauge, histogram_quantile without `le`.
 */
export function checkQuery(query: string, series: ReadonlyMap<string, QueryableSeries>): string[] {
  const parsed = parsePromQL(query);
  const problems = [...parsed.errors];
  for (const selector of parsed.selectors) {
    const known = series.get(selector.metric);
    if (!known) {
      if (selector.metric) problems.push(`unknown metric ${selector.metric}`);
      continue;
    }
    for (const label of selector.labels)
      if (!known.labels.has(label)) problems.push(`${selector.metric} has no label "${label}"`);
    if (selector.function && COUNTER_FUNCTIONS.has(selector.function) && !known.monotonic)
      problems.push(`${selector.function}() over ${selector.metric}, which is a gauge`);
  }
  for (const grouping of parsed.groupings) {
    const scoped = grouping.metrics.map((metric) => series.get(metric)).filter((s) => s);
    for (const label of grouping.labels)
      if (scoped.length > 0 && !scoped.some((s) => s!.labels.has(label)))
        problems.push(`grouping by "${label}", which none of ${grouping.metrics.join(', ')} has`);
    if (grouping.underHistogramQuantile && !grouping.labels.includes('le'))
      problems.push('histogram_quantile over an aggregation that drops "le"');
  }
  return problems;
}

interface Panel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: unknown;
  readonly targets?: readonly {
    datasource?: unknown;
    expr?: string;
    refId?: string;
    service?: string;
  }[];
  readonly panels?: readonly Panel[];
}

interface Variable {
  readonly name?: string;
  readonly type?: string;
  readonly datasource?: unknown;
  readonly query?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Datasource uid of a panel, target or variable; Grafana also accepts a bare name. */
function datasourceUid(value: unknown): string | undefined {
  if (isObject(value) && typeof value['uid'] === 'string') return value['uid'];
  if (typeof value === 'string') return `name:${value}`;
  return undefined;
}

/** Panels including those nested in rows. */
function allPanels(panels: readonly Panel[] | undefined): Panel[] {
  return (panels ?? []).flatMap((panel) => [panel, ...allPanels(panel.panels)]);
}

/**
 * Problems with one Grafana dashboard: datasources that are not provisioned (by uid), queries
 * that name series nothing exports, variables used but not defined, duplicate panel ids.
 */
export function checkDashboard(
  dashboard: unknown,
  datasources: ReadonlyMap<string, string>,
  series: ReadonlyMap<string, QueryableSeries>,
  /** Service names that send traces (OTEL_SERVICE_NAME); Jaeger searches must name one. */
  traceServices?: ReadonlySet<string>,
): string[] {
  if (!isObject(dashboard)) return ['not a JSON object'];
  const problems: string[] = [];
  for (const key of ['uid', 'title'])
    if (typeof dashboard[key] !== 'string' || dashboard[key] === '') problems.push(`no ${key}`);
  const templating = isObject(dashboard['templating']) ? dashboard['templating'] : {};
  const variables = (Array.isArray(templating['list']) ? templating['list'] : []) as Variable[];
  const defined = new Set(variables.map((v) => v.name).filter((n): n is string => !!n));

  const checkDatasource = (where: string, value: unknown): string | undefined => {
    const uid = datasourceUid(value);
    if (uid === undefined) return undefined;
    if (uid.startsWith('name:'))
      problems.push(`${where}: datasource given by name (${uid.slice(5)}), not by uid`);
    else if (uid !== '-- Grafana --' && !datasources.has(uid))
      problems.push(`${where}: datasource uid "${uid}" is not provisioned`);
    return datasources.get(uid);
  };
  const checkPromQL = (where: string, query: string) => {
    for (const problem of checkQuery(query, series)) problems.push(`${where}: ${problem}`);
    for (const match of query.matchAll(/\$\{?(\w+)/g))
      if (!match[1]!.startsWith('__') && !defined.has(match[1]!))
        problems.push(`${where}: variable $${match[1]} is not defined`);
  };

  for (const variable of variables) {
    const where = `variable ${variable.name ?? '?'}`;
    if (variable.type !== 'query') continue;
    const type = checkDatasource(where, variable.datasource);
    const query = isObject(variable.query) ? variable.query['query'] : variable.query;
    if (type !== 'prometheus' || typeof query !== 'string') continue;
    const labelValues = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?(\w+)\s*\)\s*$/.exec(query);
    const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
    if (labelValues) {
      const [, selector, label] = labelValues;
      if (selector) {
        checkPromQL(where, selector);
        for (const { metric } of parsePromQL(selector).selectors)
          if (series.get(metric) && !series.get(metric)!.labels.has(label!))
            problems.push(`${where}: ${metric} has no label "${label}"`);
      }
    } else if (queryResult) checkPromQL(where, queryResult[1]!);
    else if (!/^\s*(label_names|metrics)\(/.test(query))
      problems.push(`${where}: unsupported variable query ${query}`);
  }

  const ids = new Set<number>();
  for (const panel of allPanels(dashboard['panels'] as Panel[] | undefined)) {
    const where = `panel ${panel.id ?? '?'} "${panel.title ?? ''}"`;
    if (panel.id !== undefined) {
      if (ids.has(panel.id)) problems.push(`${where}: duplicate panel id`);
      ids.add(panel.id);
    }
    if (panel.type === 'row' || panel.type === 'text') continue;
    if (!panel.targets?.length) problems.push(`${where}: no queries`);
    const panelType = checkDatasource(where, panel.datasource);
    for (const target of panel.targets ?? []) {
      const targetWhere = `${where} query ${target.refId ?? '?'}`;
      const type = checkDatasource(targetWhere, target.datasource) ?? panelType;
      if (type === 'prometheus') {
        if (typeof target.expr !== 'string' || target.expr.trim() === '')
          problems.push(`${targetWhere}: no expr`);
        else checkPromQL(targetWhere, target.expr);
      } else if (type === 'jaeger' && traceServices && target.service !== undefined) {
        if (!traceServices.has(target.service))
          problems.push(`${targetWhere}: no service sends traces as "${target.service}"`);
      }
    }
  }
  return problems;
}
