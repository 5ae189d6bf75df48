import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { KubeObject } from './render-chart';

/** Kinds of the core API the chart renders (typed by @kubernetes/client-node). */
const CORE_KINDS = new Set([
  'ConfigMap',
  'ServiceAccount',
  'Deployment',
  'Service',
  'PodDisruptionBudget',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/**
 * Problems of one rendered object against the Kubernetes API types, [] when valid. Core kinds
 * round-trip through the client's API types, which drop what they do not know, so a misspelt or
 * misplaced field shows as a difference; KEDA's kinds are checked against KEDA's CRD schemas.
 */
export function apiTypeProblems(object: KubeObject): string[] {
  if (CORE_KINDS.has(object.kind)) {
    const type = `V1${object.kind}`;
    const roundTrip: unknown = JSON.parse(
      JSON.stringify(
        ObjectSerializer.serialize(ObjectSerializer.deserialize(object, type, ''), type, ''),
      ),
    );
    return JSON.stringify(sortKeys(roundTrip)) === JSON.stringify(sortKeys(object))
      ? []
      : [`${object.kind} ${object.metadata.name}: fields lost in a round trip through ${type}`];
  }
  try {
    if (object.kind === 'ScaledObject') new ScaledObject(object as never).validate();
    else if (object.kind === 'TriggerAuthentication')
      new TriggerAuthentication(object as never).validate();
    else if (object.kind !== 'ServiceMonitor')
      return [`${object.kind}: no API type to check it against`];
  } catch (error) {
    return [`${object.kind} ${object.metadata.name}: ${(error as Error).message}`];
  }
  return [];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}
