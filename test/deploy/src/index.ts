export { validateDeployment } from './validate-deployment';
export { DEPLOYMENT_FILES } from './deployment-files';
export { checkDashboard, checkQuery } from './validate-dashboards';
export { parsePromQL } from './promql';
export type { ParsedQuery, SelectorUse, GroupingUse } from './promql';
export { EXPORTED_METRICS, queryableSeries, TARGET_LABELS } from './metric-catalog';
export type { ExportedMetric, MetricType, QueryableSeries } from './metric-catalog';
