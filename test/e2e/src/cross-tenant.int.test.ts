import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { SecretClient } from '@azure/keyvault-secrets';
import { loadConfigText } from '@akv-replicator/core';
import { createMemoryBus } from '@akv-replicator/bus';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { startServices, type RunningStack } from 'akv-replicator';
import { waitFor } from './wait-for';

const TENANT_A = '00000000-0000-4000-8000-0000000000aa';
const TENANT_B = '00000000-0000-4000-8000-0000000000bb';
const SUB_A = '00000000-0000-4000-8000-00000000000a';
const SUB_B = '00000000-0000-4000-8000-00000000000b';

describe('cross-subscription, cross-tenant link', () => {
  let emulator: KeyVaultEmulator;
  let services: RunningStack;
  const credentialA = new StaticTokenCredential('token-of-tenant-a');
  const credentialB = new StaticTokenCredential('token-of-tenant-b');
  const bus = createMemoryBus();

  before(async () => {
    emulator = await startEmulator({
      tenantId: TENANT_A,
      subscriptionId: SUB_A,
      // Only these two tokens open any vault: a wrong credential fails loudly.
      strictAuth: { tokens: [credentialA.token, credentialB.token] },
      vaults: [
        { name: 'kv-shared-weu', region: 'westeurope' },
        {
          name: 'kv-partner-eus',
          region: 'eastus',
          tenantId: TENANT_B,
          subscriptionId: SUB_B,
          resourceGroup: 'rg-partner',
        },
      ],
    });
    const loaded = loadConfigText(
      stringify({
        tenants: { default: { tenantId: TENANT_A }, partner: { tenantId: TENANT_B } },
        azure: { armEndpoint: emulator.armEndpoint, sourceSubscriptionId: SUB_A },
        replication: { reconcile: { suspend: true, onStart: false } },
        links: [
          {
            name: 'to-partner',
            source: { vault: 'kv-shared-weu', subscriptionId: SUB_A },
            replicas: [
              {
                vault: 'kv-partner-eus',
                region: 'eastus',
                tenant: 'partner',
                subscriptionId: SUB_B,
              },
            ],
          },
        ],
      }),
      { env: {} },
    );
    services = await startServices(
      loaded,
      { services: ['replicator', 'discovery'] },
      {
        bus,
        credentialFor: (tenant) => (tenant === 'partner' ? credentialB : credentialA),
        secrets: { env: {}, readFile: () => Promise.reject(new Error('none')) },
        secretClientOptions: emulator.clientOptions(),
        armClientOptions: { tlsOptions: { ca: emulator.ca } },
      },
    );
  });
  after(async () => {
    await services?.stop();
    await bus.close();
    await emulator?.stop();
  });

  it('reads with the source tenant’s credential and writes with the partner tenant’s', async () => {
    await new SecretClient(
      emulator.vaultUrl('kv-shared-weu'),
      credentialA,
      emulator.clientOptions(),
    ).setSecret('shared-api-key', 'for-the-partner');
    const { createEnvelope } = await import('@akv-replicator/core');
    await bus.publish(
      'resync-commands',
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: 'r1', requestedAt: new Date().toISOString() },
        { id: 'r1', source: '/test' },
      ),
    );
    const partner = new SecretClient(
      emulator.vaultUrl('kv-partner-eus'),
      credentialB,
      emulator.clientOptions(),
    );
    const value = await waitFor(
      "the partner tenant's copy",
      () =>
        partner.getSecret('shared-api-key').then(
          (s) => s.value || undefined,
          () => undefined,
        ),
      30_000,
      50,
    );
    assert.equal(value, 'for-the-partner');
    const tenantsAskedOf = (credential: StaticTokenCredential) =>
      new Set(
        credential.requests
          .filter((r) => r.scopes.some((s) => s.includes('vault.azure.net')))
          .map((r) => r.tenantId),
      );
    assert.deepEqual(
      [...tenantsAskedOf(credentialB)],
      [TENANT_B],
      'the partner credential only ever serves the partner tenant',
    );
    assert.ok(
      !tenantsAskedOf(credentialA).has(TENANT_B),
      'the source credential is never used for the partner vault',
    );
    const armScopes = (credential: StaticTokenCredential) =>
      credential.requests.filter((r) => r.scopes.some((s) => s.startsWith(emulator.armEndpoint)))
        .length;
    assert.ok(
      armScopes(credentialB) > 0,
      'the partner subscription is listed in ARM with the partner credential',
    );
  });
});
