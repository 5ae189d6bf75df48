import { readdirSync, readFileSync } from 'node:fs';

const DASHBOARDS = new URL('../../../../deploy/grafana/dashboards/', import.meta.url);

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
}

interface Panel {
  readonly title?: string;
  readonly targets?: readonly { expr?: string }[];
  readonly panels?: readonly Panel[];
}

/** Every PromQL query of every panel (rows included) of every dashboard in deploy/grafana. */
export function dashboardQueries(): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const file of readdirSync(DASHBOARDS)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const dashboard = JSON.parse(readFileSync(new URL(file, DASHBOARDS), 'utf8')) as {
      panels?: Panel[];
    };
    const walk = (panels: readonly Panel[]) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? [])
          if (target.expr)
            queries.push({
              dashboard: file,
              panel: panel.title ?? '(untitled)',
              expr: target.expr,
            });
        walk(panel.panels ?? []);
      }
    };
    walk(dashboard.panels ?? []);
  }
  return queries;
}

/**
 * The query Grafana sends with every template variable set to "All" (`.*`) and its interval
 * macros filled in: `$__rate_interval` as Grafana computes it for a 1 s scrape on a short range
 * (at least four scrape intervals), `$__range` as the whole test.
 */
export function expandForPrometheus(
  expr: string,
  rangeSeconds: number,
  rateIntervalSeconds: number,
): string {
  return expr
    .replaceAll('$__rate_interval', `${rateIntervalSeconds}s`)
    .replaceAll('$__range', `${rangeSeconds}s`)
    .replace(/\$\{?[a-z_]+\}?/g, '.*');
}
