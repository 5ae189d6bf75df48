import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from './load-config';

const S = '11111111-1111-1111-1111-111111111111';
const D = '22222222-2222-2222-2222-222222222222';
const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';

// Keys of the `azure` block whose effect is on the resolved topology (docs/configuration-keys.md).
describe('azure keys change the resolved links', () => {
  it('vaultDnsSuffix makes the data-plane endpoints (sovereign clouds)', () => {
    const china = loadConfigText(`azure: { vaultDnsSuffix: vault.azure.cn }\n${LINK}`, { env: {} });
    const link = china.topology.links[0]!;
    assert.equal(link.source.uri, 'https://kv-a.vault.azure.cn');
    assert.equal(link.replicas[0]?.uri, 'https://kv-b.vault.azure.cn');
    const publicCloud = loadConfigText(LINK, { env: {} }).topology.links[0]!;
    assert.equal(publicCloud.source.uri, 'https://kv-a.vault.azure.net');
  });

  it('defaultTenant is the credential of every vault that names none', () => {
    const { topology } = loadConfigText(
      `tenants:\n  corp: { tenantId: 00000000-0000-0000-0000-0000000000aa }\nazure: { defaultTenant: corp }\n${LINK}`,
      { env: {} },
    );
    assert.equal(topology.links[0]?.source.tenant, 'corp');
    assert.equal(topology.links[0]?.replicas[0]?.tenant, 'corp');
  });

  it('sourceSubscriptionId and destinationSubscriptionId place vaults that name none', () => {
    const { topology } = loadConfigText(
      `azure: { sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D} }\n${LINK}`,
      { env: {} },
    );
    assert.equal(topology.links[0]?.source.subscriptionId, S);
    assert.equal(topology.links[0]?.replicas[0]?.subscriptionId, D);
    const same = loadConfigText(`azure: { sourceSubscriptionId: ${S} }\n${LINK}`, { env: {} });
    assert.equal(same.topology.links[0]?.replicas[0]?.subscriptionId, S);
  });

  it('certManager alone is something to replicate (cert-manager Secrets into a vault)', () => {
    const { topology, config } = loadConfigText('certManager: { vault: kv-certs }\n', { env: {} });
    assert.equal(topology.links.length, 0);
    assert.equal(config.certManager?.vault, 'kv-certs');
  });
});
