import {
  PROVENANCE_TAG,
  convergeSuccess,
  convergeWouldDo,
  withoutProvenance,
  type ConvergeResult,
} from '@akv-replicator/core';
import type { CertificateStore, CertificateWithPolicy } from '@akv-replicator/keyvault';
import type { ConvergeState } from '@akv-replicator/replication';
import { policyDifferences, replicaPolicyOf } from './replica-policy';

/** Same key material at the replica: only policy, enabled state and tags may need work. */
export async function convergeInPlace(
  state: ConvergeState<CertificateWithPolicy, CertificateWithPolicy>,
  replicaStore: CertificateStore,
): Promise<ConvergeResult> {
  const { task, source, replicaName, tags } = state;
  const replica = state.replica!;
  const desiredPolicy = replicaPolicyOf(source.policy);
  const policyDrift = policyDifferences(replica.policy, desiredPolicy);
  const propertiesDrift = replica.enabled !== source.enabled || !sameTags(replica.tags, tags);
  const ids = { sourceVersion: source.version, replicaVersion: replica.version };
  if (policyDrift.length === 0 && !propertiesDrift) return convergeSuccess('unchanged', ids);
  const what = [
    ...policyDrift.map((field) => `policy.${field}`),
    ...(propertiesDrift ? ['enabled/tags'] : []),
  ];
  const action = !source.enabled && replica.enabled ? 'disabled' : 'properties-updated';
  if (task.dryRun)
    return convergeWouldDo(
      action,
      `${replicaName} in ${task.replica.name} (${what.join(', ')})`,
      ids,
    );
  if (policyDrift.length > 0) await replicaStore.updatePolicy(replicaName, desiredPolicy);
  if (propertiesDrift)
    await replicaStore.updateProperties(replicaName, replica.version, {
      enabled: source.enabled,
      tags,
    });
  return convergeSuccess(action, { ...ids, reason: `converged ${what.join(', ')}` });
}

function sameTags(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ta = withoutProvenance(a);
  const tb = withoutProvenance(b);
  return (
    a[PROVENANCE_TAG] === b[PROVENANCE_TAG] &&
    Object.keys(ta).length === Object.keys(tb).length &&
    Object.keys(ta).every((key) => ta[key] === tb[key])
  );
}
