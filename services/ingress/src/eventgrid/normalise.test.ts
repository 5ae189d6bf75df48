import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE_VERSION, keyVaultData } from '../testing/event-fixtures';
import { dataField, readKeyVaultData, unixSeconds } from './key-vault-data';
import {
  MAX_EVENT_ID_LENGTH,
  normaliseEvent,
  type IncomingEvent,
  type NormaliseResult,
} from './normalise';

/**
 * One Key Vault event of either schema, as the pipeline takes it
 * (https://learn.microsoft.com/azure/event-grid/event-schema-key-vault): what names the object
 * is required, anything else odd is dropped, never a reason to refuse (principle 11).
 */
const event = (change: Partial<IncomingEvent> = {}): IncomingEvent => ({
  id: 'e1',
  type: 'Microsoft.KeyVault.SecretNewVersionCreated',
  time: '2026-11-23T12:00:00Z',
  data: keyVaultData(),
  ...change,
});
const normalised = (result: NormaliseResult) => {
  assert.equal(result.kind, 'vault-event', JSON.stringify(result));
  return result.kind === 'vault-event' ? result.event : undefined;
};
const withData = (change: Record<string, unknown>) =>
  normalised(normaliseEvent(event({ data: { ...keyVaultData(), ...change } }), 'webhook'));

describe('normaliseEvent', () => {
  it('turns a Key Vault event into a vault event', () => {
    assert.deepEqual(normalised(normaliseEvent(event(), 'eventhubs')), {
      eventId: 'e1',
      kind: 'SecretNewVersionCreated',
      objectKind: 'secret',
      vault: { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' },
      objectName: 'db-password',
      version: FIXTURE_VERSION,
      notBefore: null,
      expires: 1_900_000_000,
      eventTime: '2026-11-23T12:00:00Z',
      input: 'eventhubs',
    });
  });

  it('refuses an event without type or id, naming what is missing', () => {
    for (const type of [undefined, '', 7])
      assert.deepEqual(normaliseEvent(event({ type }), 'webhook'), {
        kind: 'invalid',
        reason: 'event has no type',
      });
    for (const id of [undefined, '', 7])
      assert.deepEqual(normaliseEvent(event({ id }), 'webhook'), {
        kind: 'invalid',
        reason: 'Microsoft.KeyVault.SecretNewVersionCreated: event has no id',
      });
  });

  it('ignores events that are not Key Vault changes we replicate', () => {
    assert.deepEqual(normaliseEvent(event({ type: 'Microsoft.Storage.BlobCreated' }), 'webhook'), {
      kind: 'ignored',
      reason: 'not a Key Vault event: Microsoft.Storage.BlobCreated',
    });
    assert.deepEqual(
      normaliseEvent(event({ type: 'Microsoft.KeyVault.VaultAccessPolicyChanged' }), 'webhook'),
      {
        kind: 'ignored',
        reason: 'Key Vault event not replicated: Microsoft.KeyVault.VaultAccessPolicyChanged',
      },
    );
    // The prefix must start the type, not merely appear in it.
    assert.equal(
      normaliseEvent(
        event({ type: 'Contoso.Microsoft.KeyVault.SecretNewVersionCreated' }),
        'webhook',
      ).kind,
      'ignored',
    );
  });

  it('refuses an id no broker takes as a message id: over 128 characters or with control characters', () => {
    assert.equal(MAX_EVENT_ID_LENGTH, 128);
    const longest = 'i'.repeat(MAX_EVENT_ID_LENGTH);
    assert.equal(normalised(normaliseEvent(event({ id: longest }), 'webhook'))?.eventId, longest);
    for (const id of [longest + 'i', 'line\nbreak', 'nul\u0000', 'del\u007f']) {
      const result = normaliseEvent(event({ id }), 'webhook');
      assert.equal(result.kind, 'invalid', JSON.stringify(id));
      assert.ok(result.kind === 'invalid' && !result.reason.includes(id), 'the id is not echoed');
      assert.match(result.kind === 'invalid' ? result.reason : '', /longer than 128 characters/);
    }
  });

  it('refuses an event without data, or whose Id and ObjectName name different objects', () => {
    for (const data of [undefined, null, 'data'])
      assert.deepEqual(normaliseEvent(event({ data }), 'webhook'), {
        kind: 'invalid',
        reason: 'Microsoft.KeyVault.SecretNewVersionCreated e1: data is missing',
      });
    assert.deepEqual(
      normaliseEvent(event({ data: { ...keyVaultData(), ObjectName: 'other' } }), 'webhook'),
      {
        kind: 'invalid',
        reason: 'Microsoft.KeyVault.SecretNewVersionCreated e1: Id and ObjectName disagree',
      },
    );
    // Key Vault names are case-insensitive: the same object, written otherwise, is no conflict.
    assert.equal(withData({ ObjectName: 'DB-Password' })?.objectName, 'DB-Password');
  });

  it('refuses fields that name no object, listing their paths and not their values', () => {
    const result = normaliseEvent(
      event({
        data: { ...keyVaultData(), Id: undefined, VaultName: '_bad!', ObjectName: undefined },
      }),
      'webhook',
    );
    assert.deepEqual(result, {
      kind: 'invalid',
      reason: 'Microsoft.KeyVault.SecretNewVersionCreated e1: invalid vault.name, objectName',
    });
  });

  it('takes the object kind from ObjectType in any case, else from the event type', () => {
    assert.equal(withData({ ObjectType: 'CERTIFICATE' })?.objectKind, 'certificate');
    assert.equal(withData({ ObjectType: 'key' })?.objectKind, 'key');
    // Names an object literal already has (Object.prototype's) are no kind either.
    for (const odd of ['constructor', '__proto__', 'toString'])
      assert.equal(withData({ ObjectType: odd })?.objectKind, 'secret', odd);
    for (const [type, kind] of [
      ['Microsoft.KeyVault.CertificateNearExpiry', 'certificate'],
      ['Microsoft.KeyVault.KeyExpired', 'key'],
      ['Microsoft.KeyVault.SecretNewVersionCreated', 'secret'],
    ] as const)
      assert.equal(
        normalised(
          normaliseEvent(
            event({ type, data: { ...keyVaultData(), ObjectType: undefined } }),
            'webhook',
          ),
        )?.objectKind,
        kind,
        type,
      );
  });

  it('keeps the event time when it is ISO 8601 with an offset, else takes the time of arrival', () => {
    assert.equal(
      normalised(normaliseEvent(event({ time: '2019-07-25T01:08:33.1036736Z' }), 'webhook'))
        ?.eventTime,
      '2019-07-25T01:08:33.1036736Z',
    );
    assert.equal(
      normalised(normaliseEvent(event({ time: new Date('2026-01-02T03:04:05Z') }), 'webhook'))
        ?.eventTime,
      '2026-01-02T03:04:05.000Z',
    );
    for (const time of [
      'yesterday',
      '2026-11-23T12:00:00',
      new Date('x'),
      1_700_000_000,
      undefined,
    ]) {
      const before = Date.now();
      const at = Date.parse(
        normalised(normaliseEvent(event({ time }), 'webhook'))?.eventTime ?? '',
      );
      assert.ok(at >= before - 1 && at <= Date.now() + 1, `${String(time)} → arrival time`);
    }
  });

  it('reads every field without the spaces around it, with no Id to fall back on (the documentation\'s " version")', () => {
    const result = withData({
      Id: undefined,
      VaultName: ' kv-src ',
      ObjectType: ' Certificate ',
      ObjectName: ' db-password ',
      Version: ` ${FIXTURE_VERSION} `,
    });
    assert.deepEqual(result?.vault, { name: 'kv-src' });
    assert.equal(result?.objectKind, 'certificate');
    assert.equal(result?.objectName, 'db-password');
    assert.equal(result?.version, FIXTURE_VERSION);
  });

  it('publishes no version when neither Version nor the Id has one', () => {
    const unversionedId = 'https://kv-src.vault.azure.net/secrets/db-password';
    const result = withData({ Id: unversionedId, Version: undefined });
    assert.equal(result && 'version' in result, false);
    assert.deepEqual(result?.vault, { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' });
  });
});

describe('readKeyVaultData', () => {
  it("reads the documentation's oddities: a key with a trailing space, a version with a leading space", () => {
    const fields = readKeyVaultData({
      Id: `https://sample-kv.vault.azure.net/secrets/newsecret/${FIXTURE_VERSION}`,
      'ObjectName ': 'newsecret',
      Version: ` ${FIXTURE_VERSION}`,
      NBF: '1559081980',
      EXP: 1_559_082_102,
    });
    assert.equal(fields.objectName, 'newsecret');
    assert.equal(fields.version, FIXTURE_VERSION);
    assert.equal(fields.vaultName, 'sample-kv', 'from the Id when VaultName is absent');
    assert.equal(fields.notBefore, 1_559_081_980);
    assert.equal(fields.expires, 1_559_082_102);
    assert.equal(fields.conflict, false);
  });

  it('prefers VaultName and Version as sent, falling back to the Id when they are blank or no version', () => {
    const id = `https://kv-a.vault.azure.net/secrets/s/${FIXTURE_VERSION}`;
    const other = 'b'.repeat(32);
    assert.equal(readKeyVaultData({ Id: id, VaultName: 'kv-named' }).vaultName, 'kv-named');
    assert.equal(readKeyVaultData({ Id: id, VaultName: '  ' }).vaultName, 'kv-a');
    assert.equal(readKeyVaultData({ Id: id, Version: other }).version, other);
    assert.equal(readKeyVaultData({ Id: id, Version: 'latest' }).version, FIXTURE_VERSION);
    assert.equal(readKeyVaultData({ Version: other }).version, other);
    assert.equal(readKeyVaultData({ Version: 'latest' }).version, undefined);
  });

  it('reads the vault name from the first label of the Id host, in any cloud', () => {
    const id = (host: string) => `https://${host}/secrets/s/${FIXTURE_VERSION}`;
    assert.equal(readKeyVaultData({ Id: id('kv-cn.vault.azure.cn') }).vaultName, 'kv-cn');
    assert.equal(
      readKeyVaultData({ Id: id('kv-gov.vault.usgovcloudapi.net') }).vaultUri,
      'https://kv-gov.vault.usgovcloudapi.net',
    );
    assert.equal(readKeyVaultData({}).vaultName, undefined);
  });

  it('takes no vault name from an Id whose host does not begin with one (an IP address, a one-letter label)', () => {
    for (const host of ['127.0.0.1:8443', 'k.vault.azure.net', 'kv--a.vault.azure.net']) {
      const fields = readKeyVaultData({ Id: `https://${host}/secrets/s/${FIXTURE_VERSION}` });
      assert.equal(fields.vaultName, undefined, host);
      assert.equal(fields.objectName, 's', `${host}: the rest of the Id is still read`);
    }
    assert.equal(readKeyVaultData({}).vaultUri, undefined);
  });

  it('flags a conflict only when a valid ObjectName names another object than the Id', () => {
    const id = `https://kv-a.vault.azure.net/secrets/s/${FIXTURE_VERSION}`;
    assert.equal(readKeyVaultData({ Id: id, ObjectName: 'other' }).conflict, true);
    assert.equal(readKeyVaultData({ Id: id, ObjectName: 'S' }).conflict, false);
    assert.equal(readKeyVaultData({ Id: id, ObjectName: 'not a name!' }).conflict, false);
    assert.equal(readKeyVaultData({ ObjectName: 'other' }).conflict, false);
    assert.equal(readKeyVaultData({ Id: id }).objectName, 's', 'the name from the Id');
  });
});

describe('dataField and unixSeconds', () => {
  it('finds a field by its exact name first, then whatever its case and surrounding spaces', () => {
    assert.equal(dataField({ VaultName: 'exact', vaultname: 'other' }, 'VaultName'), 'exact');
    assert.equal(dataField({ vaultname: 'other', VaultName: 'exact' }, 'VaultName'), 'exact');
    assert.equal(dataField({ vaultName: 'camel' }, 'VaultName'), 'camel');
    assert.equal(dataField({ ' VAULTNAME ': 'spaced' }, 'VaultName'), 'spaced');
    assert.equal(dataField({ VaultNames: 'x' }, 'VaultName'), undefined);
  });

  it('reads Unix seconds from finite numbers and numeric strings (fractions of any length), nothing else', () => {
    assert.equal(unixSeconds(1_559_081_980), 1_559_081_980);
    assert.equal(unixSeconds(' 1559081980 '), 1_559_081_980);
    assert.equal(unixSeconds('-5'), -5);
    assert.equal(unixSeconds('1.5'), 1.5);
    assert.equal(unixSeconds('1559081980.125'), 1_559_081_980.125);
    for (const value of [NaN, Infinity, '1e9', '12abc', 'abc12', '', '1.', null, undefined, {}])
      assert.equal(unixSeconds(value), null, String(value));
  });
});
