/** Where the deployment lives, relative to the repository root. */
export const DEPLOYMENT_FILES = {
  compose: 'docker-compose.yml',
  prometheus: 'deploy/prometheus/prometheus.yml',
  collector: 'deploy/otel-collector/config.yaml',
  datasources: 'deploy/grafana/provisioning/datasources',
  dashboardProviders: 'deploy/grafana/provisioning/dashboards',
  dashboards: 'deploy/grafana/dashboards',
} as const;
