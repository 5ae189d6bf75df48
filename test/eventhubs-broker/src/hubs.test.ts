import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddress } from './address';
import { BrokerConfigError, EventHubs, fnv1a } from './hubs';

describe('hubs and addresses', () => {
  it('refuses bad topology with BrokerConfigError', () => {
    assert.throws(() => new EventHubs([{ name: 'a', partitionCount: 0 }]), BrokerConfigError);
    assert.throws(() => new EventHubs([{ name: 'a', partitionCount: 33 }]), BrokerConfigError);
    assert.throws(() => new EventHubs([{ name: 'a/b', partitionCount: 1 }]), BrokerConfigError);
    assert.throws(
      () =>
        new EventHubs([
          { name: 'a', partitionCount: 1 },
          { name: 'A', partitionCount: 1 },
        ]),
      /declared twice/,
    );
  });

  it('finds hubs and consumer groups case-insensitively; every hub has $Default', () => {
    const hubs = new EventHubs([{ name: 'Orders', partitionCount: 3, consumerGroups: ['Audit'] }]);
    const hub = hubs.hub('orders')!;
    assert.deepEqual(hub.partitionIds, ['0', '1', '2']);
    assert.ok(hub.hasConsumerGroup('$default') && hub.hasConsumerGroup('audit'));
    assert.ok(!hub.hasConsumerGroup('other'));
    assert.equal(hub.partition('3'), undefined);
    assert.equal(hub.partition('01'), undefined);
    assert.equal(hub.partition('2'), hub.partitions[2]);
  });

  it('routes a partition key by FNV-1a (stable) and keyless transfers round-robin', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    const hub = new EventHubs([{ name: 'h', partitionCount: 4 }]).hub('h')!;
    assert.equal(hub.route('vault-a').id, String(fnv1a('vault-a') % 4));
    assert.equal(hub.route('vault-a'), hub.route('vault-a'));
    assert.deepEqual(
      [0, 1, 2, 3, 4].map(() => hub.route(undefined).id),
      ['0', '1', '2', '3', '0'],
    );
  });

  it('parses the link addresses the SDK builds', () => {
    assert.deepEqual(parseAddress('h'), { kind: 'hub', hub: 'h' });
    assert.deepEqual(parseAddress('h/Partitions/2'), {
      kind: 'partition',
      hub: 'h',
      partition: '2',
    });
    assert.deepEqual(
      parseAddress('amqps://ns.servicebus.windows.net/h/consumergroups/$Default/partitions/1'),
      {
        kind: 'consumer',
        hub: 'h',
        consumerGroup: '$Default',
        partition: '1',
      },
    );
    for (const bad of ['', 'h/', 'h/Partitions', 'h/Other/1', 'h/ConsumerGroups/g/Partitions']) {
      assert.equal(parseAddress(bad), undefined, bad);
    }
  });
});
