/** A Kubernetes object as JSON: what the API server stores and returns. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

/** The `Status` the API server answers failures with (meta/v1 Status, `kind: Status`). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

export function status(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `410 Expired`, as a watch from a compacted resourceVersion receives it. */
export const expired = (requested: string, oldest: number) =>
  status(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export const notFound = (resource: string, name: string, group = '') =>
  status(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const alreadyExists = (resource: string, name: string, group = '') =>
  status(409, 'AlreadyExists', `${resource}${group ? `.${group}` : ''} "${name}" already exists`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const conflict = (resource: string, name: string, group = '') =>
  status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource}${group ? `.${group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group ? { group } : {}), kind: resource },
  );
