import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { EventGridDeserializer } from '@azure/eventgrid';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { applyAccessPolicyUpdate } from './access-policies';

const RG = 'rg-policies';
const TENANT = '3c3c3c3c-0000-4000-8000-00000000003c';
const policy = (objectId: string, secrets: string[]) => ({
  tenantId: TENANT,
  objectId,
  permissions: { secrets },
});

describe('ARM access policy changes publish VaultAccessPolicyChanged', () => {
  let emulator: KeyVaultEmulator;
  let arm: KeyVaultManagementClient;
  let receiver: WebhookReceiver;
  const deserializer = new EventGridDeserializer();
  const received = async () =>
    (
      await Promise.all(
        receiver.notifications().map((n) => deserializer.deserializeEventGridEvents(n.body)),
      )
    ).flat();

  before(async () => {
    emulator = await startEmulator({
      tenantId: TENANT,
      resourceGroup: RG,
      vaults: [{ name: 'kv-policy' }],
    });
    arm = new KeyVaultManagementClient(
      new StaticTokenCredential(),
      emulator.subscriptionId,
      emulator.armClientOptions(),
    );
    receiver = await WebhookReceiver.start();
    await emulator.eventGrid.subscribe({
      name: 'policies',
      vault: 'kv-policy',
      endpoint: receiver.url(),
    });
  });
  after(async () => {
    await emulator.stop();
    await receiver.stop();
  });

  it('adds, replaces and removes policies through vaults.updateAccessPolicy, one event per change', async () => {
    const added = await arm.vaults.updateAccessPolicy(RG, 'kv-policy', 'add', {
      properties: { accessPolicies: [policy('app-1', ['get', 'list'])] },
    });
    assert.deepEqual(added.properties.accessPolicies[0]?.permissions.secrets, ['get', 'list']);
    await arm.vaults.updateAccessPolicy(RG, 'kv-policy', 'add', {
      properties: { accessPolicies: [policy('app-1', ['set'])] },
    });
    const vault = await arm.vaults.get(RG, 'kv-policy');
    assert.deepEqual(vault.properties.accessPolicies?.[0]?.permissions.secrets, [
      'get',
      'list',
      'set',
    ]);
    await arm.vaults.updateAccessPolicy(RG, 'kv-policy', 'remove', {
      properties: { accessPolicies: [policy('app-1', ['get', 'list', 'set'])] },
    });
    assert.deepEqual((await arm.vaults.get(RG, 'kv-policy')).properties.accessPolicies, []);

    await receiver.waitForNotifications(3);
    await emulator.eventGrid.idle();
    const events = await received();
    assert.equal(events.length, 3);
    for (const event of events) {
      assert.equal(event.eventType, 'Microsoft.KeyVault.VaultAccessPolicyChanged');
      assert.equal(event.subject, 'kv-policy');
      assert.equal(event.topic, emulator.vault('kv-policy').resourceId);
      const data = event.data as Record<string, unknown>;
      assert.equal(data['ObjectType'], 'Vault');
      assert.equal(data['VaultName'], 'kv-policy');
      assert.equal(data['Id'], `${emulator.vaultUrl('kv-policy')}/`);
    }
  });

  it('publishes for a vault PUT or PATCH that changes the policies, and not for other updates', async () => {
    const before = receiver.notifications().length;
    await arm.vaults.update(RG, 'kv-policy', { tags: { team: 'a' } });
    await arm.vaults.update(RG, 'kv-policy', {
      properties: { accessPolicies: [policy('app-2', ['get'])] },
    });
    await arm.vaults.beginCreateOrUpdateAndWait(RG, 'kv-policy', {
      location: 'westeurope',
      properties: {
        tenantId: TENANT,
        sku: { family: 'A', name: 'standard' },
        accessPolicies: [policy('app-2', ['get'])],
      },
    });
    await receiver.waitForNotifications(before + 1);
    await emulator.eventGrid.idle();
    // Only the PATCH changed the policies; the tag update and the same-policy PUT did not.
    assert.equal(receiver.notifications().length, before + 1);
  });
});

describe('applyAccessPolicyUpdate', () => {
  it('matches entries by tenant, object and application, case-insensitively', () => {
    const current = [
      { ...policy('APP', ['get']), applicationId: 'x' },
      { ...policy('app', ['list']) },
    ];
    const next = applyAccessPolicyUpdate(current, 'replace', [policy('app', ['set'])]);
    assert.deepEqual(next[0]?.permissions, { secrets: ['get'] }, 'other applicationId untouched');
    assert.deepEqual(next[1]?.permissions, { secrets: ['set'] });
    assert.deepEqual(applyAccessPolicyUpdate(next, 'remove', [policy('nobody', ['get'])]), next);
  });
});
