import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { SecretClient } from '@azure/keyvault-secrets';
import { TOPICS, createEnvelope, loadConfigText, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { startServices, type RunningStack } from 'akv-replicator';
import { waitFor } from './wait-for';

// Azure RBAC enforced by the emulator (issue 17): the replicator's identity is the principal of
// its token. A replica vault on RBAC where it holds no role gets a failure outcome naming the
// vault, the identity and the missing role; a replica vault autoCreate makes gets the roles
// assigned through ARM (tenants.<key>.principalId) and replication into it works.

const TENANT = '00000000-0000-4000-8000-0000000000aa';
const SUB = '00000000-0000-4000-8000-00000000000a';
const RG = 'rg-dr';
/** The replicator's object id; the emulator takes a token that is not a JWT as the principal. */
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';

describe('permissions with Azure RBAC enforced', () => {
  let emulator: KeyVaultEmulator;
  let services: RunningStack;
  const credential = new StaticTokenCredential(PRINCIPAL);
  const bus = createMemoryBus();
  const outcomes: OutcomeData[] = [];

  before(async () => {
    emulator = await startEmulator({
      tenantId: TENANT,
      subscriptionId: SUB,
      resourceGroup: RG,
      lifecycleDelayMs: 0,
      vaults: [
        { name: 'kv-src', region: 'westeurope' },
        { name: 'kv-denied', region: 'northeurope', enableRbacAuthorization: true },
      ],
    });
    const loaded = loadConfigText(
      stringify({
        tenants: { default: { tenantId: TENANT, principalId: PRINCIPAL } },
        azure: { armEndpoint: emulator.armEndpoint, sourceSubscriptionId: SUB },
        replication: { reconcile: { suspend: true, onStart: false } },
        links: [
          {
            name: 'to-denied',
            source: { vault: 'kv-src', uri: emulator.vaultUrl('kv-src'), subscriptionId: SUB },
            replicas: [
              {
                vault: 'kv-denied',
                uri: emulator.vaultUrl('kv-denied'),
                region: 'northeurope',
                subscriptionId: SUB,
                resourceGroup: RG,
              },
            ],
          },
          {
            name: 'to-created',
            source: { vault: 'kv-src', uri: emulator.vaultUrl('kv-src'), subscriptionId: SUB },
            replicas: [
              {
                vault: 'kv-created',
                region: 'northeurope',
                subscriptionId: SUB,
                resourceGroup: RG,
                autoCreate: true,
              },
            ],
          },
        ],
      }),
      { env: {} },
    );
    await bus.subscribe(TOPICS.outcomes, { subscription: 'test-outcomes' }, async (e) => {
      if (e.type === 'akv.outcome.v1') outcomes.push(e.data);
      return ack();
    });
    services = await startServices(
      loaded,
      { services: ['replicator', 'discovery'], retryDelaysMs: [50] },
      {
        bus,
        credentialFor: () => credential,
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

  it('reports the missing role on an RBAC vault, and grants it on the vault autoCreate makes', async () => {
    await new SecretClient(
      emulator.vaultUrl('kv-src'),
      credential,
      emulator.clientOptions(),
    ).setSecret('db-password', 'rbac-canary');
    await bus.publish(
      TOPICS.resyncCommands,
      createEnvelope(
        'akv.resync.command.v1',
        { resyncId: 'rbac-1', requestedAt: new Date().toISOString() },
        { id: 'rbac-1', source: '/test' },
      ),
    );

    const denied = await waitFor(
      'a failure outcome for kv-denied',
      async () => outcomes.find((o) => o.status === 'failure' && o.reason?.includes('kv-denied')),
      30_000,
    );
    assert.match(denied.reason ?? '', /permission denied/);
    assert.match(denied.reason ?? '', new RegExp(`oid=${PRINCIPAL}`), 'names the identity');
    assert.match(denied.reason ?? '', /Key Vault Secrets (User|Officer) role on vault kv-denied/);
    assert.doesNotMatch(JSON.stringify(outcomes), /rbac-canary/);

    // autoCreate made kv-created with RBAC on, and assigned the replicator its roles there.
    const created = new SecretClient(
      await waitFor('kv-created exists', async () => emulator.vaultUrl('kv-created'), 30_000),
      credential,
      emulator.clientOptions(),
    );
    const copied = await waitFor(
      'the secret replicated into kv-created',
      async () =>
        created.getSecret('db-password').then(
          (s) => s,
          () => undefined,
        ),
      30_000,
    );
    assert.equal(copied.value, 'rbac-canary');
    const authorization = new AuthorizationManagementClient(
      credential,
      SUB,
      emulator.armClientOptions(),
    );
    const roles: string[] = [];
    for await (const assignment of authorization.roleAssignments.listForScope(
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-created`,
      { filter: `principalId eq '${PRINCIPAL}'` },
    ))
      roles.push(assignment.roleDefinitionId?.split('/').at(-1) ?? '');
    assert.deepEqual(roles.sort(), [
      'a4417e6f-fecd-4de8-b567-7b0420556985', // Key Vault Certificates Officer
      'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', // Key Vault Secrets Officer
    ]);
    assert.ok(
      !outcomes.some((o) => o.status === 'failure' && o.reason?.includes('kv-created')),
      'no permission failure on the vault autoCreate made',
    );
  });
});
