import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerConfigError, entitySettings, parseIsoDuration } from './config';
import { BrokerNamespace } from './namespace';
import { emptyConfig, type EmulatorConfig } from './config';

describe('Config.json reading', () => {
  it('parses ISO 8601 durations, including fractional seconds for fast tests', () => {
    assert.equal(parseIsoDuration('PT1M', 'x'), 60_000);
    assert.equal(parseIsoDuration('PT1H30M5S', 'x'), 5_405_000);
    assert.equal(parseIsoDuration('P1D', 'x'), 86_400_000);
    assert.equal(parseIsoDuration('PT0.5S', 'x'), 500);
    assert.throws(
      () => parseIsoDuration('60s', 'Topics[0].Properties.LockDuration'),
      /Topics\[0\]\.Properties\.LockDuration/,
    );
  });

  it('fills the emulator schema defaults (lock 1 min, 3 deliveries)', () => {
    assert.deepEqual(entitySettings(undefined, 'x'), {
      lockDurationMs: 60_000,
      maxDeliveryCount: 3,
      deadLetterOnExpiration: false,
      defaultTtlMs: 3_600_000,
    });
  });

  it('names the key path of a bad rule or property', () => {
    const config: EmulatorConfig = emptyConfig();
    config.UserConfig.Namespaces[0]!.Topics = [
      {
        Name: 't',
        Subscriptions: [
          {
            Name: 's',
            Rules: [
              {
                Name: 'r',
                Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "region = = 'x'" } },
              },
            ],
          },
        ],
      },
    ];
    assert.throws(
      () => new BrokerNamespace(config),
      (error: unknown) =>
        error instanceof BrokerConfigError &&
        error.path ===
          'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[0].Properties.SqlFilter.SqlExpression',
    );
    config.UserConfig.Namespaces[0]!.Topics = [
      { Name: 't', Subscriptions: [{ Name: 's', Properties: { MaxDeliveryCount: 0 } }] },
    ];
    assert.throws(
      () => new BrokerNamespace(config),
      /Subscriptions\[0\]\.Properties\.MaxDeliveryCount/,
    );
  });

  it('resolves entity addresses case-insensitively, with dead-letter sub-queues', () => {
    const config = emptyConfig();
    config.UserConfig.Namespaces[0]!.Topics = [{ Name: 'Tasks', Subscriptions: [{ Name: 'WE' }] }];
    config.UserConfig.Namespaces[0]!.Queues = [{ Name: 'ingress' }];
    const ns = new BrokerNamespace(config);
    assert.equal(ns.entity('tasks/subscriptions/we')?.path, 'Tasks/Subscriptions/WE');
    assert.equal(
      ns.entity('Tasks/Subscriptions/WE/$DeadLetterQueue')?.path,
      'Tasks/Subscriptions/WE/$DeadLetterQueue',
    );
    assert.equal(ns.entity('ingress/$deadletterqueue')?.path, 'ingress/$DeadLetterQueue');
    assert.equal(ns.entity('Tasks'), undefined);
    assert.equal(ns.hasInbox('tasks'), true);
    assert.equal(ns.hasInbox('Tasks/Subscriptions/WE'), false);
    ns.close();
  });
});
