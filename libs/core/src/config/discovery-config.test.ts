import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from './load-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';
const load = (yaml: string) => loadConfigText(`${yaml}\n${LINK}`, { env: {} }).config;
const refusal = (yaml: string): string => {
  try {
    load(yaml);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error.message;
  }
  return assert.fail('the configuration was accepted');
};

// Their effect on discovery is proven in services/discovery/src/leadership (which instance
// plans) and test/e2e/src/discovery-ha.int.test.ts (hand-over after a kill).
describe('discovery.leaderElection', () => {
  it('is one always-leading instance by default, with a 15 s lease renewed every 5 s', () => {
    const { leaderElection } = load('').discovery;
    assert.deepEqual(leaderElection, {
      kind: 'none',
      leaseSeconds: 15,
      renewSeconds: 5,
      name: 'akv-replicator-discovery',
    });
  });

  it('takes a NATS or Kubernetes lease with its own timings, name and namespace', () => {
    const nats = load(
      'bus: { transport: nats, nats: { servers: ["nats://127.0.0.1:4222"] } }\n' +
        'discovery: { leaderElection: { kind: nats, leaseSeconds: 6, renewSeconds: 2, name: dr-west } }',
    ).discovery.leaderElection;
    assert.equal(nats.kind, 'nats');
    assert.equal(nats.leaseSeconds, 6);
    assert.equal(nats.renewSeconds, 2);
    assert.equal(nats.name, 'dr-west');
    const kube = load('discovery: { leaderElection: { kind: kubernetes-lease, namespace: ops } }')
      .discovery.leaderElection;
    assert.equal(kube.kind, 'kubernetes-lease');
    assert.equal(kube.namespace, 'ops');
  });

  it('refuses a renew period not shorter than the lease, an unknown kind and a bad name', () => {
    assert.match(
      refusal('discovery: { leaderElection: { leaseSeconds: 5, renewSeconds: 5 } }'),
      /discovery\.leaderElection\.renewSeconds.*shorter than leaseSeconds/,
    );
    assert.match(
      refusal('discovery: { leaderElection: { kind: redis } }'),
      /discovery\.leaderElection\.kind/,
    );
    assert.match(
      refusal('discovery: { leaderElection: { name: Not_A_Name } }'),
      /discovery\.leaderElection\.name/,
    );
    assert.match(refusal('discovery: { leader: {} }'), /discovery\.leader\b.*unknown key/);
    assert.match(
      refusal('discovery: { leaderElection: { kind: nats } }'),
      /discovery\.leaderElection\.kind: nats keeps the lease on the bus's NATS: needs bus\.transport nats, not memory/,
    );
  });

  it('azure-blob: a blob lease in a container by URL or connection string, 15 to 60 s long', () => {
    const byUrl = load(
      'discovery: { leaderElection: { kind: azure-blob, azureBlob: { blobContainerUrl: "https://st.blob.core.windows.net/leases", tenant: ops } } }',
    ).discovery.leaderElection;
    assert.equal(byUrl.kind, 'azure-blob');
    assert.equal(byUrl.azureBlob?.tenant, 'ops');
    const byConnection = load(
      'discovery: { leaderElection: { kind: azure-blob, leaseSeconds: 60, renewSeconds: 20, azureBlob: { connectionString: { fromEnv: LEASE_STORAGE }, containerName: leases } } }',
    ).discovery.leaderElection;
    assert.deepEqual(byConnection.azureBlob?.connectionString, { fromEnv: 'LEASE_STORAGE' });
    assert.match(
      refusal('discovery: { leaderElection: { kind: azure-blob } }'),
      /discovery\.leaderElection\.azureBlob: azure-blob needs azureBlob/,
    );
    assert.match(
      refusal(
        'discovery: { leaderElection: { kind: azure-blob, leaseSeconds: 10, renewSeconds: 3, azureBlob: { blobContainerUrl: "https://st.blob.core.windows.net/leases" } } }',
      ),
      /discovery\.leaderElection\.leaseSeconds: an Azure Storage blob lease lasts 15 to 60 seconds, not 10/,
    );
    assert.match(
      refusal(
        'discovery: { leaderElection: { kind: azure-blob, azureBlob: { connectionString: { fromEnv: S } } } }',
      ),
      /discovery\.leaderElection\.azureBlob\.containerName: connectionString needs containerName/,
    );
    assert.match(
      refusal('discovery: { leaderElection: { kind: azure-blob, azureBlob: {} } }'),
      /discovery\.leaderElection\.azureBlob: set exactly one of blobContainerUrl or connectionString/,
    );
  });
});
