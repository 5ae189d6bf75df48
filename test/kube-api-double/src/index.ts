export { KubeApiDouble } from './kube-api-double';
export type { KubeApiDoubleOptions, RecordedRequest, Fault } from './kube-api-double';
export { status, expired, conflict, notFound, alreadyExists } from './status';
export type { KubeObject, KubeMetadata, KubeStatus } from './status';
export { tlsSecretObject } from './tls-secret-object';
export type { TlsSecretObjectInput } from './tls-secret-object';
export { kubeConfigFor } from './kube-config';
