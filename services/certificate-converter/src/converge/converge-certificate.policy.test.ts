// The replica policy rule (DESIGN: imported replicas must not renew on their own): every field
// of the source policy the replica copies is compared, a hand edit of any one of them is put
// back and named in the outcome, and nothing is rewritten that only looks different (list order,
// a field the source leaves to the vault's default). Mutation testing, issue #25.
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryCertificateStore,
  PKCS12_CONTENT_TYPE,
  type CertificatePolicyModel,
} from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { convergeCertificate } from './converge-certificate';
import { certificateTask, fullEcPolicy, testPolicy } from './converge-fixtures';

let clock = 1_000;
let source: MemoryCertificateStore;
let replica: MemoryCertificateStore;
let ecPem: TestCertificate;
const run = () =>
  convergeCertificate(
    certificateTask(),
    { source, replica },
    testPolicy(() => clock * 1000),
  );
const seedSource = (policy: CertificatePolicyModel) =>
  source.seed('web-tls', { value: ecPem.value, contentType: ecPem.contentType, policy });
/** Changes the replica's policy by hand, as someone with access to the replica vault could. */
const editReplicaPolicy = async (change: Partial<CertificatePolicyModel>) =>
  replica.updatePolicy('web-tls', { ...(await replica.getPolicy('web-tls')), ...change });
const writesAtReplica = () => replica.requestCount('import', 'update', 'updatePolicy');

before(() => {
  ecPem = createTestCertificate({
    subject: 'CN=web.example.test',
    dnsNames: ['web.example.test', 'www.example.test'],
    keyType: 'EC',
    format: 'pem',
  });
});

beforeEach(() => {
  clock = 1_000;
  source = new MemoryCertificateStore('kv-src', { now: () => clock });
  replica = new MemoryCertificateStore('kv-dst', { now: () => clock });
});

interface PolicyDrift {
  /** How the outcome names the field. */
  readonly field: string;
  /** The source policy, when the default full EC policy does not show the field. */
  readonly source?: Partial<CertificatePolicyModel>;
  readonly edit: Partial<CertificatePolicyModel>;
  /** The test's name for the edit, when its JSON does not show it. */
  readonly label?: string;
}

const DRIFTS: readonly PolicyDrift[] = [
  { field: 'issuerName', edit: { issuerName: 'Self' } },
  { field: 'subject', edit: { subject: 'CN=other.example.test' } },
  { field: 'keyType', edit: { keyType: 'EC-HSM' } },
  { field: 'keySize', edit: { keySize: 384 } },
  { field: 'keyCurveName', edit: { keyCurveName: 'P-384' } },
  { field: 'exportable', edit: { exportable: false } },
  { field: 'reuseKey', edit: { reuseKey: true } },
  { field: 'contentType', edit: { contentType: PKCS12_CONTENT_TYPE } },
  { field: 'validityInMonths', edit: { validityInMonths: 24 } },
  { field: 'keyUsage', edit: { keyUsage: ['digitalSignature'] } },
  { field: 'enhancedKeyUsage', edit: { enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1'] } },
  {
    field: 'subjectAlternativeNames.dnsNames',
    edit: { subjectAlternativeNames: { dnsNames: ['web.example.test'] } },
  },
  {
    field: 'subjectAlternativeNames.dnsNames',
    edit: { subjectAlternativeNames: undefined },
    label: 'all removed',
  },
  {
    field: 'lifetimeActions',
    edit: { lifetimeActions: [{ action: 'EmailContacts', daysBeforeExpiry: 10 }] },
  },
  {
    field: 'lifetimeActions',
    source: { lifetimeActions: [{ action: 'EmailContacts', lifetimePercentage: 90 }] },
    edit: { lifetimeActions: [{ action: 'EmailContacts', lifetimePercentage: 50 }] },
  },
  { field: 'lifetimeActions', edit: { lifetimeActions: [] } },
];

describe('convergeCertificate — a hand-edited replica policy is put back', () => {
  for (const drift of DRIFTS) {
    it(`policy.${drift.field} (${drift.label ?? JSON.stringify(drift.edit)})`, async () => {
      seedSource(fullEcPolicy(drift.source));
      await run();
      const desired = await replica.getPolicy('web-tls');
      await editReplicaPolicy(drift.edit);
      const before = writesAtReplica();

      const result = await run();
      assert.deepEqual(
        [result.status, result.action, result.reason],
        ['success', 'properties-updated', `converged policy.${drift.field}`],
      );
      assert.deepEqual(await replica.getPolicy('web-tls'), desired);
      assert.equal(writesAtReplica(), before + 1, 'one policy write, no import');
      assert.equal((await run()).action, 'unchanged');
    });
  }
});

describe('convergeCertificate — a policy that only looks different is left alone', () => {
  it('ignores the order of usages and subject alternative names (Key Vault may list them in any order)', async () => {
    seedSource(fullEcPolicy());
    await run();
    const held = await replica.getPolicy('web-tls');
    await editReplicaPolicy({
      keyUsage: [...held.keyUsage!].reverse(),
      enhancedKeyUsage: [...held.enhancedKeyUsage!].reverse(),
      subjectAlternativeNames: { dnsNames: [...held.subjectAlternativeNames!.dnsNames!].reverse() },
    });
    const before = writesAtReplica();
    assert.equal((await run()).action, 'unchanged');
    assert.equal(writesAtReplica(), before);
  });

  it('leaves the vault its defaults for every field the source policy does not set', async () => {
    // Key Vault fills in key size, validity, usages… itself; rewriting them on every run would
    // turn each reconcile into a policy write.
    seedSource({
      issuerName: 'Self',
      subjectAlternativeNames: { dnsNames: ['web.example.test'], emails: undefined },
      lifetimeActions: [],
    });
    await run();
    await editReplicaPolicy({
      subject: 'CN=web.example.test',
      subjectAlternativeNames: { dnsNames: ['web.example.test'], emails: [] },
      keyType: 'EC',
      keySize: 256,
      keyCurveName: 'P-256',
      exportable: true,
      reuseKey: false,
      contentType: PKCS12_CONTENT_TYPE,
      validityInMonths: 12,
      keyUsage: ['digitalSignature'],
      enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    });
    const before = writesAtReplica();
    assert.equal((await run()).action, 'unchanged');
    assert.equal(writesAtReplica(), before);
  });

  it('takes an empty list of one kind of subject alternative name for none at the replica', async () => {
    seedSource(
      fullEcPolicy({
        subjectAlternativeNames: { dnsNames: ['web.example.test', 'www.example.test'], emails: [] },
      }),
    );
    await run();
    await editReplicaPolicy({
      subjectAlternativeNames: { dnsNames: ['web.example.test', 'www.example.test'] },
    });
    const before = writesAtReplica();
    assert.equal((await run()).action, 'unchanged');
    assert.equal(writesAtReplica(), before);
  });

  it('replicates a source policy without subject alternative names, then stays unchanged', async () => {
    seedSource(fullEcPolicy({ subjectAlternativeNames: undefined }));
    assert.equal((await run()).action, 'created');
    assert.equal((await run()).action, 'unchanged');
  });
});
