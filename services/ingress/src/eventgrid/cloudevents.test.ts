import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE } from '../testing/documented-events';
import { cloudEvent, keyVaultData } from '../testing/event-fixtures';
import { parseCloudEvents, type CloudEventsResult } from './cloudevents';

/**
 * CloudEvents 1.0 as Event Grid delivers them
 * (https://learn.microsoft.com/azure/event-grid/cloud-event-schema, CloudEvents 1.0 "REQUIRED
 * Attributes"): structured, batch and binary mode; refused only for what the spec requires.
 */
const structured = (body: unknown) => parseCloudEvents(JSON.stringify(body), {});
const events = (result: CloudEventsResult) => {
  assert.equal(result.kind, 'events', JSON.stringify(result));
  return result.kind === 'events' ? result.events : [];
};
const reason = (result: CloudEventsResult) => {
  assert.equal(result.kind, 'invalid', JSON.stringify(result));
  return result.kind === 'invalid' ? result.reason : '';
};

describe('CloudEvents structured and batch mode', () => {
  it('takes one event or a batch, keeping id, type, time and data of each, in order', () => {
    const data = keyVaultData('one');
    assert.deepEqual(events(structured(cloudEvent('c1', data))), [
      {
        id: 'c1',
        type: 'Microsoft.KeyVault.SecretNewVersionCreated',
        time: '2026-11-23T12:00:00Z',
        data,
      },
    ]);
    assert.deepEqual(
      events(structured([cloudEvent('c1'), cloudEvent('c2'), cloudEvent('c3')])).map((e) => e.id),
      ['c1', 'c2', 'c3'],
    );
  });

  it("takes the documentation's own example, whose source is not a URI reference", () => {
    const [event] = events(parseCloudEvents(DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE, {}));
    assert.equal(event?.id, '00eccf70-95a7-4e7c-8299-2eb17ee9ad64');
  });

  it('refuses an event missing a required attribute, naming every one missing', () => {
    for (const name of ['id', 'source', 'specversion', 'type'] as const) {
      const event: Record<string, unknown> = { ...cloudEvent('c1') };
      delete event[name];
      assert.equal(reason(structured(event)), `invalid CloudEvent: ${name} missing`);
      assert.equal(
        reason(structured({ ...cloudEvent('c1'), [name]: '' })),
        reason(structured(event)),
      );
      assert.equal(
        reason(structured({ ...cloudEvent('c1'), [name]: 7 })),
        `invalid CloudEvent: ${name} missing`,
        `${name} that is not a string`,
      );
    }
    assert.equal(
      reason(structured({ ...cloudEvent('c1'), id: undefined, type: undefined })),
      'invalid CloudEvent: id, type missing',
    );
  });

  it('refuses another specversion than 1.0', () => {
    for (const specversion of ['0.3', '1', '1.0 ', '2.0'])
      assert.equal(
        reason(structured({ ...cloudEvent('c1'), specversion })),
        'invalid CloudEvent: specversion must be 1.0',
        specversion,
      );
  });

  it('refuses a whole batch for one bad event in it', () => {
    assert.match(
      reason(structured([cloudEvent('c1'), { ...cloudEvent('c2'), source: '' }])),
      /source missing/,
    );
  });

  it('refuses what is no event: not JSON, an empty batch, a batch entry that is no object', () => {
    assert.equal(reason(parseCloudEvents('{"id":', {})), 'invalid CloudEvent: body is not JSON');
    assert.equal(reason(structured([])), 'empty CloudEvents batch');
    for (const entry of [null, 'event', 42, [cloudEvent('c1')]])
      assert.equal(
        reason(structured([cloudEvent('c1'), entry])),
        'invalid CloudEvent: not a JSON object',
        JSON.stringify(entry),
      );
  });

  it('reads data sent as a JSON string as JSON, and keeps any other string as it is', () => {
    const data = keyVaultData('as-string');
    const [asJson] = events(structured({ ...cloudEvent('c1'), data: JSON.stringify(data) }));
    assert.deepEqual(asJson?.data, data);
    const [plain] = events(structured({ ...cloudEvent('c1'), data: 'not json' }));
    assert.equal(plain?.data, 'not json');
    const [absent] = events(structured({ ...cloudEvent('c1'), data: undefined }));
    assert.equal(absent?.data, undefined);
  });
});

describe('CloudEvents binary mode (ce-* headers, data in the body)', () => {
  const headers = (change: Record<string, string | undefined> = {}) => ({
    'ce-specversion': '1.0',
    'ce-id': 'b1',
    'ce-type': 'Microsoft.KeyVault.SecretNewVersionCreated',
    'ce-source': '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-src',
    'ce-time': '2026-11-23T12:00:00Z',
    'content-type': 'application/json',
    ...change,
  });
  const binary = (change?: Record<string, string | undefined>, body: unknown = keyVaultData()) =>
    parseCloudEvents(JSON.stringify(body), headers(change));

  it('takes the event from the headers and the data from the body', () => {
    assert.deepEqual(events(binary()), [
      {
        id: 'b1',
        type: 'Microsoft.KeyVault.SecretNewVersionCreated',
        time: '2026-11-23T12:00:00.000Z',
        data: keyVaultData(),
      },
    ]);
  });

  it('takes the binary mode even when the body looks like a structured event', () => {
    const [event] = events(binary({}, cloudEvent('structured-id')));
    assert.equal(event?.id, 'b1');
  });

  it('refuses missing or empty required headers, naming them', () => {
    assert.equal(
      reason(binary({ 'ce-id': undefined })),
      'invalid CloudEvent: ce-id header missing',
    );
    assert.equal(
      reason(binary({ 'ce-source': '', 'ce-type': undefined })),
      'invalid CloudEvent: ce-source, ce-type header missing',
    );
  });

  it('refuses a body that is not the JSON its content type declares, saying so', () => {
    assert.match(reason(parseCloudEvents('{"Id":', headers())), /^invalid CloudEvent: .*JSON/);
    // JSON.parse's own message would quote the body back to the caller and into the logs.
    assert.equal(
      reason(parseCloudEvents('{"a":1,"b":hunter2}', headers())),
      'invalid CloudEvent: data is not the JSON its content type declares',
    );
  });

  it('refuses another specversion than 1.0', () => {
    assert.equal(
      reason(binary({ 'ce-specversion': '0.3' })),
      'invalid CloudEvent: specversion must be 1.0',
    );
  });
});
