import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryAuthenticator } from '../auth/delivery-auth';
import { createResyncAuthenticator } from '../auth/resync-auth';
import {
  DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE,
  DOCS_EVENTGRID_SCHEMA_EXAMPLE,
  DOCS_EVENTGRID_SCHEMA_EXAMPLE_2020,
  DOCS_EXAMPLE_VAULT_EVENT,
} from '../testing/documented-events';
import { cloudEvent, eventGridEvent, keyVaultData } from '../testing/event-fixtures';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressServer } from './ingress-server';

let publisher: RecordingPublisher;
let app: ReturnType<typeof createIngressServer>;
beforeEach(async () => {
  publisher = new RecordingPublisher();
  app = createIngressServer({
    publisher,
    deliveryAuth: createDeliveryAuthenticator({ sharedSecret: 's3cret' }),
    resyncAuth: createResyncAuthenticator({ host: '127.0.0.1' }),
    maxBodyBytes: 1024 * 1024,
  });
  await app.ready();
});

const deliver = (payload: string, contentType = 'application/json', headers = {}) =>
  app.inject({
    method: 'POST',
    url: '/eventgrid?code=s3cret',
    headers: { 'content-type': contentType, ...headers },
    payload,
  });

describe('the Key Vault event schema page examples, verbatim', () => {
  const examples: Array<[string, string, string]> = [
    ['Event Grid schema', DOCS_EVENTGRID_SCHEMA_EXAMPLE, 'application/json'],
    [
      'Event Grid schema, 2020 revision (camelCase)',
      DOCS_EVENTGRID_SCHEMA_EXAMPLE_2020,
      'application/json',
    ],
    [
      'CloudEvents schema, as a batch',
      DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE,
      'application/cloudevents-batch+json',
    ],
    ['CloudEvents schema, as plain JSON', DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE, 'application/json'],
  ];
  for (const [label, payload, contentType] of examples) {
    it(`publishes the ${label} example (string NBF/EXP, "ObjectName " key, " version")`, async () => {
      const response = await deliver(payload, contentType);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(publisher.vaultEvents(), [
        { ...DOCS_EXAMPLE_VAULT_EVENT, input: 'webhook' },
      ]);
    });
  }

  it('publishes the CloudEvents example sent alone in structured mode', async () => {
    const [single] = JSON.parse(DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE) as object[];
    const response = await deliver(JSON.stringify(single), 'application/cloudevents+json');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(publisher.vaultEvents(), [{ ...DOCS_EXAMPLE_VAULT_EVENT, input: 'webhook' }]);
  });
});

describe('every form of the fields the pipeline does not need is a 200', () => {
  const forms: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'NBF/EXP as numbers',
      { NBF: 1_559_081_980, EXP: 1_559_082_102 },
      { notBefore: 1_559_081_980, expires: 1_559_082_102 },
    ],
    [
      'NBF/EXP as numeric strings',
      { NBF: '1559081980', EXP: ' 1559082102 ' },
      { notBefore: 1_559_081_980, expires: 1_559_082_102 },
    ],
    ['NBF/EXP null', { NBF: null, EXP: null }, { notBefore: null, expires: null }],
    ['NBF/EXP absent', { NBF: undefined, EXP: undefined }, { notBefore: null, expires: null }],
    ['NBF/EXP unreadable', { NBF: 'soon', EXP: { at: 1 } }, { notBefore: null, expires: null }],
    [
      'a Version that is no version (the Id has it)',
      { Version: 'latest' },
      { version: 'a'.repeat(32) },
    ],
    [
      'no Version and no ObjectName (the Id has both)',
      { Version: undefined, ObjectName: undefined },
      { version: 'a'.repeat(32), objectName: 'db-password' },
    ],
    [
      'no VaultName (the Id names the vault)',
      { VaultName: undefined },
      { vault: { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' } },
    ],
    [
      'an unknown ObjectType (the event type says secret)',
      { ObjectType: 'Geheimnis' },
      { objectKind: 'secret' },
    ],
    [
      'upper-case keys',
      { ID: undefined, VAULTNAME: 'kv-src' },
      { vault: { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' } },
    ],
  ];
  for (const [label, change, expected] of forms)
    for (const schema of ['eventgrid', 'cloudevents'] as const)
      it(`${label} (${schema} schema)`, async () => {
        const data = { ...keyVaultData(), ...change };
        const payload =
          schema === 'eventgrid' ? [eventGridEvent('f1', data)] : cloudEvent('f1', data);
        const response = await deliver(
          JSON.stringify(payload),
          schema === 'eventgrid' ? 'application/json' : 'application/cloudevents+json',
        );
        assert.equal(response.statusCode, 200, response.body);
        const [event] = publisher.vaultEvents();
        for (const [key, value] of Object.entries(expected))
          assert.deepEqual((event as Record<string, unknown>)[key], value, key);
      });

  it('an unreadable event time is replaced by the time of arrival, not refused', async () => {
    const response = await deliver(
      JSON.stringify([{ ...eventGridEvent('t1'), eventTime: 'yesterday' }]),
    );
    assert.equal(response.statusCode, 200, response.body);
    const at = Date.parse(publisher.vaultEvents()[0]?.eventTime ?? '');
    assert.ok(Math.abs(at - Date.now()) < 60_000);
  });
});

describe('a CloudEvent without id is refused (CloudEvents 1.0 requires it)', () => {
  const { id: _id, ...withoutId } = cloudEvent('x');
  const cases: Array<[string, string, string, Record<string, string>]> = [
    ['structured', JSON.stringify(withoutId), 'application/cloudevents+json', {}],
    [
      'batch',
      JSON.stringify([cloudEvent('ok'), withoutId]),
      'application/cloudevents-batch+json',
      {},
    ],
    ['batch as plain JSON', JSON.stringify([withoutId]), 'application/json', {}],
    [
      'binary (no ce-id)',
      JSON.stringify(keyVaultData()),
      'application/json',
      {
        'ce-specversion': '1.0',
        'ce-type': 'Microsoft.KeyVault.SecretNewVersionCreated',
        'ce-source': '/vaults/kv-src',
      },
    ],
  ];
  for (const [label, payload, contentType, headers] of cases)
    it(`in ${label} mode: 400, nothing published`, async () => {
      const response = await deliver(payload, contentType, headers);
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.body, /id/);
      assert.deepEqual(publisher.vaultEvents(), []);
    });
});
