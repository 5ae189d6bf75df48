import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiDouble, kubeConfigFor, tlsSecretObject } from '@akv-replicator/kube-api-double';
import { MemoryLogger, loadConfigText } from '@akv-replicator/core';
import { MemoryCertificateStore, PEM_CONTENT_TYPE } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { certManagerPushFromConfig } from './cert-manager-from-config';
import type { CertManagerPush, CertManagerResult } from './cert-manager-push';
import { KUBERNETES_SECRET_TAG } from './push-tls-secret';

// replication.dryRun from the configuration file, through the Kubernetes API double: the dry run
// writes nothing to Key Vault (and nothing but its Lease to Kubernetes) and reports every
// decision as would-…; the same world then runs for real and the write counter sees the writes.
const TOKEN = 'double-token';
const keyOf = (pem: string) => pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
const certs: Record<string, TestCertificate> = {};
const writes = (kv: MemoryCertificateStore) =>
  kv.requestCount('import', 'update', 'updatePolicy', 'delete', 'recover');

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cert-manager push with replication.dryRun', () => {
  let double: KubeApiDouble;
  const running: CertManagerPush[] = [];
  before(async () => {
    certs.a = createTestCertificate({ subject: 'CN=a', format: 'pem' });
    certs.b = createTestCertificate({ subject: 'CN=b', keyType: 'EC', format: 'pem' });
    double = await new KubeApiDouble({ token: TOKEN }).start();
  });
  after(async () => {
    await Promise.all(running.map((push) => push.stop()));
    await double.close();
  });

  const secret = (name: string, cert: TestCertificate) =>
    tlsSecretObject({
      namespace: 'dry',
      name,
      key: keyOf(cert.value),
      certificateChain: cert.leafPem,
    });
  const pushedEarlier = (kv: MemoryCertificateStore, name: string, cert: TestCertificate) =>
    kv.importCertificate(`dry--${name}`, {
      value: cert.value,
      contentType: PEM_CONTENT_TYPE,
      enabled: true,
      tags: { [KUBERNETES_SECRET_TAG]: `dry/${name}` },
    });
  const pushFor = (kv: MemoryCertificateStore, dryRun: boolean, logger: MemoryLogger) => {
    const results = new Map<string, CertManagerResult>();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeConfigFor(double.url, TOKEN));
    const { config } = loadConfigText(
      `links:\n  - name: dr\n    source: { vault: kv-src }\n    replicas: [{ vault: kv-dr, region: westus }]\n` +
        `replication: { dryRun: ${dryRun} }\n` +
        `certManager: { vault: kv-src, namespaces: [dry], onDelete: delete, lease: { name: dry-run, namespace: ops, durationSeconds: 2, renewSeconds: 1 } }\n`,
      { env: {} },
    );
    const push = certManagerPushFromConfig(config, {
      stores: () => kv,
      logger,
      kubeConfig,
      identity: dryRun ? 'dry' : 'real',
      onResult: (_, result) => results.set(result.certificateName ?? '', result),
    })!;
    running.push(push);
    return { push, results };
  };
  const settle = async (push: CertManagerPush, results: Map<string, CertManagerResult>) => {
    await until('every Secret and the swept certificate decided', () => results.size === 4);
    await push.idle();
  };

  it('writes nothing and says what it would do; the real run does it', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    await pushedEarlier(kv, 'renewed-tls', certs.a!); // Secret now holds a renewal (b)
    await pushedEarlier(kv, 'gone-tls', certs.a!); // its Secret is gone: onDelete: delete
    await pushedEarlier(kv, 'blocked-tls', certs.a!);
    kv.softDelete('dry--blocked-tls'); // the import would meet a soft-deleted name
    double.putSecret(secret('new-tls', certs.a!));
    double.putSecret(secret('renewed-tls', certs.b!));
    double.putSecret(secret('blocked-tls', certs.b!));
    const before = writes(kv);
    const kubeWritesBefore = double.requests.length;

    const logs = new MemoryLogger();
    const dry = pushFor(kv, true, logs);
    await dry.push.start();
    await settle(dry.push, dry.results);
    const planned = [...dry.results].map(([name, r]) => [name, r.status, r.action, r.dryRun]);
    assert.deepEqual(planned.sort(), [
      ['dry--blocked-tls', 'failure', 'skipped', true],
      ['dry--gone-tls', 'success', 'would-delete', true],
      ['dry--new-tls', 'success', 'would-create', true],
      ['dry--renewed-tls', 'success', 'would-update', true],
    ]);
    for (const result of dry.results.values())
      assert.match(result.reason ?? '', /^dry run: would /);
    assert.equal(writes(kv), before, 'no import, policy update, tag update, disable or delete');
    assert.ok(await kv.getCertificate('dry--gone-tls'), 'not deleted');
    const kubeWrites = double.requests
      .slice(kubeWritesBefore)
      .filter((r) => r.method !== 'GET' && !r.path.includes('/leases'));
    assert.deepEqual(kubeWrites, [], 'Kubernetes: nothing written but the Lease');
    const logged = logs.lines.filter((l) => l.fields.dryRun === true).map((l) => l.message);
    assert.equal(logged.length, 4);
    assert.ok(logged.every((m) => m.startsWith('dry run: would ')));
    assert.ok(!logs.text().includes('cert-manager Secret pushed'), 'no log reads like a write');
    await dry.push.stop();

    const real = pushFor(kv, false, new MemoryLogger());
    await real.push.start();
    await settle(real.push, real.results);
    const done = [...real.results].map(([name, r]) => [name, r.status, r.action, r.code]);
    assert.deepEqual(done.sort(), [
      ['dry--blocked-tls', 'failure', 'skipped', 'ObjectIsDeletedButRecoverable'],
      ['dry--gone-tls', 'success', 'deleted', undefined],
      ['dry--new-tls', 'success', 'created', undefined],
      ['dry--renewed-tls', 'success', 'updated', undefined],
    ]);
    assert.equal(dry.results.get('dry--blocked-tls')?.code, 'ObjectIsDeletedButRecoverable');
    assert.ok(writes(kv) - before >= 5, 'the counter sees the real writes');
    assert.equal((await kv.getCertificate('dry--new-tls')).x5t, certs.a!.x5t);
    assert.equal((await kv.getCertificate('dry--renewed-tls')).x5t, certs.b!.x5t);
    await assert.rejects(kv.getCertificate('dry--gone-tls'));
    await real.push.stop();
  });
});
