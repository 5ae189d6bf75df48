import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText, silentLogger } from '@akv-replicator/core';
import { MemoryCertificateStore, type VaultAddress } from '@akv-replicator/keyvault';
import { certManagerPushFromConfig } from './cert-manager-from-config';

const configWith = (certManager: string) =>
  loadConfigText(
    `links:\n  - name: dr\n    source: { vault: kv-src }\n    replicas: [{ vault: kv-dr, region: westus }]\n${certManager}`,
    { env: {} },
  ).config;

describe('certManagerPushFromConfig', () => {
  it('is off without a certManager section', () => {
    const stores = () => assert.fail('no store without certManager');
    assert.equal(
      certManagerPushFromConfig(configWith(''), { stores, logger: silentLogger }),
      undefined,
    );
  });

  it('pushes into the configured vault with its tenant, from the kubeconfig file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'akv-kubeconfig-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(
        file,
        JSON.stringify({
          clusters: [{ name: 'c', cluster: { server: 'https://k8s.example:6443' } }],
          users: [{ name: 'u', user: { token: 't' } }],
          contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'ctx',
        }),
      );
      const asked: VaultAddress[] = [];
      const push = certManagerPushFromConfig(
        configWith(`certManager: { vault: kv-src, kubeconfig: ${file} }\n`),
        {
          stores: (vault) => {
            asked.push(vault);
            return new MemoryCertificateStore(vault.name);
          },
          logger: silentLogger,
        },
      );
      assert.ok(push);
      assert.deepEqual(asked, [{ name: 'kv-src', tenant: 'default' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails at start, naming the setting, when Kubernetes cannot be reached from config', () => {
    const stores = (vault: VaultAddress) => new MemoryCertificateStore(vault.name);
    assert.throws(
      () =>
        certManagerPushFromConfig(
          configWith('certManager: { vault: kv-src, kubeconfig: /nonexistent/kubeconfig }\n'),
          { stores, logger: silentLogger },
        ),
      /certManager: cannot load kubeconfig \/nonexistent\/kubeconfig/,
    );
    if (!process.env.KUBERNETES_SERVICE_HOST)
      assert.throws(
        () =>
          certManagerPushFromConfig(configWith('certManager: { vault: kv-src }\n'), {
            stores,
            logger: silentLogger,
          }),
        /not running in a cluster .*set certManager\.kubeconfig/,
      );
  });
});
