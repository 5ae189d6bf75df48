/** The chart directory (trailing slash: file URLs resolve against it). */
export const CHART_DIR = new URL('../../../../deploy/helm/akv-replicator/', import.meta.url);
export const EXAMPLES_DIR = new URL('../../../../deploy/examples/', import.meta.url);
