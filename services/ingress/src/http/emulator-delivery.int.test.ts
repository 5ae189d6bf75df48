import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { SecretClient } from '@azure/keyvault-secrets';
import { loadConfigText } from '@akv-replicator/core';
import {
  startEmulator,
  StaticTokenCredential,
  type KeyVaultEmulator,
  type KeyVaultPayloadStyle,
} from '@akv-replicator/keyvault-emulator';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressHttp } from './ingress-from-config';

/**
 * The emulator's Event Grid, held to the documentation, delivering to the real ingress: every
 * payload form it can send (both schemas) becomes the same vault event, and a delivery the
 * ingress refuses is dead-lettered by Event Grid at once — and reported by the ingress.
 */
const CONFIG = loadConfigText(
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n',
  { env: {} },
).config.ingress;

async function until(what: string, condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('emulator Event Grid → ingress', () => {
  let emulator: KeyVaultEmulator;
  let secrets: SecretClient;
  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-src' }],
      expiryCheckIntervalMs: 0,
      eventGridRetry: { scheduleScale: 0.001 },
    });
    secrets = new SecretClient(
      emulator.vaultUrl('kv-src'),
      new StaticTokenCredential(),
      emulator.clientOptions(),
    );
  });
  after(() => emulator.stop());

  async function ingress(sharedSecret: string, port = 0) {
    const publisher = new RecordingPublisher();
    const app = createIngressHttp(CONFIG, {
      publisher,
      secrets: { sharedSecret, resyncToken: 'resync' },
      host: '127.0.0.1',
    });
    await app.listen({ host: '127.0.0.1', port });
    return { app, publisher, port: (app.server.address() as AddressInfo).port };
  }

  it('turns every payload style of both schemas into the same vault event', async () => {
    const { app, publisher, port } = await ingress('hook');
    const styles: KeyVaultPayloadStyle[] = ['numbers', 'strings', 'nulls', 'documented-example'];
    const schemas = ['EventGridSchema', 'CloudEventSchemaV1_0'] as const;
    try {
      for (const payloadStyle of styles)
        for (const schema of schemas)
          await emulator.eventGrid.subscribe({
            name: `${payloadStyle}-${schema}`,
            vault: 'kv-src',
            endpoint: `http://127.0.0.1:${port}/eventgrid?code=hook`,
            schema,
            payloadStyle,
          });
      const expiresOn = new Date(Date.UTC(2031, 0, 1));
      const created = await secrets.setSecret('styled', 'v', { expiresOn });
      await until('8 vault events', () => publisher.vaultEvents().length === 8);
      await emulator.eventGrid.idle();
      assert.deepEqual(emulator.eventGrid.deadLetters(), []);
      for (const event of publisher.vaultEvents()) {
        assert.equal(event.objectName, 'styled');
        assert.equal(event.version, created.properties.version);
        assert.equal(event.vault.name, 'kv-src');
        assert.ok(
          event.expires === expiresOn.getTime() / 1000 || event.expires === null,
          'EXP is read, or null in the nulls style',
        );
      }
      assert.equal(
        publisher.vaultEvents().filter((e) => e.expires === null).length,
        2,
        'only the nulls style says null',
      );
    } finally {
      for (const payloadStyle of styles)
        for (const schema of schemas) emulator.eventGrid.unsubscribe(`${payloadStyle}-${schema}`);
      await app.close();
    }
  });

  it('a secret rotated on the ingress only: Event Grid dead-letters the 403 at once, the ingress reports it', async () => {
    const old = await ingress('old-secret');
    await emulator.eventGrid.subscribe({
      name: 'rotated',
      vault: 'kv-src',
      endpoint: `http://127.0.0.1:${old.port}/eventgrid?code=old-secret`,
    });
    await old.app.close();
    const rotated = await ingress('new-secret', old.port);
    try {
      await secrets.setSecret('lost-until-reconcile', 'v');
      await until('a dead letter', () => emulator.eventGrid.deadLetters().length > 0);
      const [dead] = emulator.eventGrid.deadLetters();
      assert.equal(dead?.lastHttpStatusCode, 403);
      assert.equal(dead?.deliveryAttempts, 1, 'Event Grid does not retry a 403');
      assert.deepEqual(rotated.publisher.vaultEvents(), []);
      const [report] = rotated.publisher.outcomes();
      assert.equal(report?.code, 'IngressDeliveryRefused');
      assert.match(report?.reason ?? '', /wrong-shared-secret/);
    } finally {
      emulator.eventGrid.unsubscribe('rotated');
      await emulator.eventGrid.idle();
      await rotated.app.close();
    }
  });
});
