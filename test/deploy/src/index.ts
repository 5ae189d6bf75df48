export { validateDeployment, DEPLOYMENT_FILES } from './validate-deployment';
export { checkDashboard, checkQuery } from './validate-dashboards';
export { parsePromQL } from './promql';
export type { ParsedQuery, SelectorUse, GroupingUse } from './promql';
export { EXPORTED_METRICS, queryableSeries, TARGET_LABELS } from './metric-catalog';
export type { ExportedMetric, MetricType, QueryableSeries } from './metric-catalog';
