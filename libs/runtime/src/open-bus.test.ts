import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, isReplicatorError } from '@akv-replicator/core';
import { openBus } from './open-bus';

// A configuration must replicate something (an empty one is refused), hence the link.
const LINK =
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: a }] }]\n';
const credentialFor = () => ({ getToken: async () => null });
const secrets = (env: Record<string, string>) => ({
  env,
  readFile: () => Promise.reject(new Error('ENOENT')),
});

describe('openBus', () => {
  it('opens the transport the configuration names, without connecting before first use', async () => {
    const memory = await openBus(loadConfigText(LINK, { env: {} }), secrets({}), credentialFor);
    assert.equal(memory.transport, 'memory');
    await memory.close();
    const serviceBus = await openBus(
      loadConfigText(
        `${LINK}bus: { transport: servicebus, serviceBus: { connectionString: { fromEnv: SB_CONNECTION } } }`,
        { env: {} },
      ),
      secrets({
        SB_CONNECTION:
          'Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v',
      }),
      credentialFor,
    );
    assert.equal(serviceBus.transport, 'servicebus');
    await serviceBus.close();
  });

  it('names the key path of a connection string it cannot resolve', async () => {
    await assert.rejects(
      openBus(
        loadConfigText(
          `${LINK}bus: { transport: servicebus, serviceBus: { connectionString: { fromEnv: SB_MISSING } } }`,
          { env: {} },
        ),
        secrets({}),
        credentialFor,
      ),
      (error: unknown) =>
        isReplicatorError(error) &&
        /bus\.serviceBus\.connectionString: environment variable SB_MISSING is not set/.test(
          error.message,
        ),
    );
  });
});
