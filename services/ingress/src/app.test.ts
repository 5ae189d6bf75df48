import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfigText, type SecretSource } from '@akv-replicator/core';
import { eventGridEvent } from './testing/event-fixtures';
import { RecordingPublisher } from './testing/recording-publisher';
import { createIngressApp } from './app';

const CONFIG = `
links:
  - name: l
    source: { vault: kv-src }
    replicas: [{ vault: kv-b, region: a }]
ingress:
  host: 127.0.0.1
  port: 0
  auth:
    sharedSecret: { fromEnv: HOOK_SECRET }
    resyncToken: { fromEnv: RESYNC_TOKEN }
`;
const { config } = loadConfigText(CONFIG, { env: {} });
const secrets = (env: Record<string, string>): SecretSource => ({
  env,
  readFile: () => Promise.reject(new Error('no files in this test')),
});
const noCredential = () => {
  throw new Error('no pulled input is configured');
};

describe('createIngressApp', () => {
  it('listens where the configuration says, with the secrets its references resolve to', async () => {
    const bus = new RecordingPublisher();
    const app = createIngressApp(config, {
      bus,
      secrets: secrets({ HOOK_SECRET: 'hook-secret', RESYNC_TOKEN: 'resync-token' }),
      credentialFor: noCredential,
    });
    assert.equal(app.url, undefined, 'no address before start');
    await app.start();
    try {
      assert.match(app.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      const deliver = (code: string) =>
        fetch(`${app.url}/eventgrid?code=${code}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([eventGridEvent('e1')]),
        });
      assert.equal((await deliver('wrong')).status, 403);
      assert.equal((await deliver('hook-secret')).status, 200);
      assert.deepEqual(
        bus.vaultEvents().map((e) => e.objectName),
        ['db-password'],
      );
      const resync = await fetch(`${app.url}/resync`, {
        method: 'POST',
        headers: { authorization: 'Bearer resync-token', 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(resync.status, 202);
      assert.equal(bus.resyncCommands().length, 1);
    } finally {
      await app.stop();
    }
    await assert.rejects(fetch(`${app.url}/healthz`), 'the port is closed after stop');
  });

  it('fails start naming the key path of a secret reference that does not resolve', async () => {
    const app = createIngressApp(config, {
      bus: new RecordingPublisher(),
      secrets: secrets({ HOOK_SECRET: 'hook-secret' }),
      credentialFor: noCredential,
    });
    await assert.rejects(app.start(), /ingress\.auth\.resyncToken/);
    assert.equal(app.url, undefined);
    await app.stop();
  });
});
