import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { loadConfigText, isReplicatorError } from '@akv-replicator/core';
import { createCredentials } from './credentials';

// A configuration must replicate something (an empty one is refused), hence the link.
const LINK =
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: a }] }]\n';
const config = (tenants: string) =>
  loadConfigText(`${LINK}tenants:\n${tenants}`, { env: {} }).config;
const secrets = (env: Record<string, string>) => ({
  env,
  readFile: async (path: string) =>
    path === '/secrets/sp' ? 'from-file\n' : Promise.reject(new Error('ENOENT')),
});

describe('credentials per tenant', () => {
  it('builds the credential each tenant asks for, and DefaultAzureCredential for unknown tenants', async () => {
    const credentialFor = await createCredentials(
      config(`  default: { tenantId: 00000000-0000-0000-0000-00000000000a, auth: { method: workload-identity, clientId: wi-client, tokenFile: /var/run/secrets/azure/tokens/azure-identity-token } }
  partner: { tenantId: 00000000-0000-0000-0000-00000000000b, auth: { method: service-principal, clientId: sp-client, clientSecret: { fromEnv: SP_SECRET } } }
  filed: { tenantId: 00000000-0000-0000-0000-00000000000c, auth: { method: service-principal, clientId: sp2, clientSecret: { fromFile: /secrets/sp } } }
  mi: { tenantId: 00000000-0000-0000-0000-00000000000d, auth: { method: managed-identity } }
  plain: { tenantId: 00000000-0000-0000-0000-00000000000e }
`),
      secrets({ SP_SECRET: 's3cret' }),
    );
    assert.ok(
      credentialFor(undefined) instanceof WorkloadIdentityCredential,
      'vaults naming no tenant use the default tenant',
    );
    assert.ok(credentialFor('partner') instanceof ClientSecretCredential);
    assert.ok(credentialFor('filed') instanceof ClientSecretCredential);
    assert.ok(credentialFor('mi') instanceof ManagedIdentityCredential);
    assert.ok(credentialFor('plain') instanceof DefaultAzureCredential);
    assert.equal(
      credentialFor('partner'),
      credentialFor('partner'),
      'one credential (and token cache) per tenant',
    );
  });

  it('explains a workload identity without a token file, by key path', async () => {
    await assert.rejects(
      createCredentials(
        config(
          `  default: { tenantId: 00000000-0000-0000-0000-00000000000a, auth: { method: workload-identity, clientId: c } }\n`,
        ),
        secrets({}),
      ),
      (error: unknown) =>
        isReplicatorError(error) &&
        /^tenants\.default\.auth: WorkloadIdentityCredential: is unavailable\. federatedTokenFilePath/.test(
          error.message,
        ),
    );
  });

  it('names the key path when a client secret reference cannot be resolved, never a value', async () => {
    await assert.rejects(
      createCredentials(
        config(
          `  default: { tenantId: 00000000-0000-0000-0000-00000000000a, auth: { method: service-principal, clientId: c, clientSecret: { fromEnv: MISSING_SECRET } } }\n`,
        ),
        secrets({}),
      ),
      (error: unknown) =>
        isReplicatorError(error) &&
        /tenants\.default\.auth\.clientSecret: environment variable MISSING_SECRET is not set/.test(
          error.message,
        ),
    );
  });
});
