import type { LoadedConfig } from '@akv-replicator/core';
import type { Manifest } from './render-manifests';

type Subject = { kind: 'ServiceAccount'; name: string; namespace: string };

/**
 * A Role + RoleBinding letting `subject` hold one coordination.k8s.io Lease: what the election
 * (libs/leases) calls and nothing more — get/update on that Lease by name, and create.
 */
export function leaseRbac(
  roleName: string,
  leaseNamespace: string,
  leaseName: string,
  subject: Subject,
  labels: Record<string, string>,
): Manifest[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: roleName, namespace: leaseNamespace, labels },
      rules: [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [leaseName],
          verbs: ['get', 'update'],
        },
        // `create` cannot be limited by resourceNames: the first holder creates the Lease.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: roleName, namespace: leaseNamespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [subject],
    },
  ];
}

/**
 * discovery.leaderElection.kind kubernetes-lease: discovery runs as its own service account
 * (token mounted; the shared one has none) holding the configured Lease, in the configured
 * namespace or the release's.
 */
export function discoveryLeaseRbac(
  app: string,
  namespace: string,
  election: LoadedConfig['config']['discovery']['leaderElection'],
  labels: Record<string, string>,
): Manifest[] {
  const name = `${app}-discovery`;
  return leaseRbac(
    `${name}-lease`,
    election.namespace ?? namespace,
    election.name,
    { kind: 'ServiceAccount', name, namespace },
    labels,
  );
}
