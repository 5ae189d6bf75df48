import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from './load-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n';

function issuesOf(text: string): string[] {
  try {
    loadConfigText(LINK + text, { env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  assert.fail('expected the configuration to be rejected');
}

describe('ingress.inputs', () => {
  it('defaults to the webhook alone', () => {
    const { config } = loadConfigText(LINK, { env: {} });
    assert.deepEqual(config.ingress.inputs, { webhook: { enabled: true } });
  });

  it('accepts Event Hubs and Service Bus queue inputs beside the webhook, with defaults', () => {
    const { config } = loadConfigText(
      `${LINK}ingress:
  inputs:
    webhook: { enabled: false }
    eventHubs:
      - fullyQualifiedNamespace: ns.servicebus.windows.net
        eventHubName: keyvault-events
        checkpointStore: { blobContainerUrl: 'https://acct.blob.core.windows.net/checkpoints' }
      - connectionString: { fromEnv: EH_CONNECTION }
        eventHubName: other
        consumerGroup: ingress
        tenant: second
        checkpointStore: { connectionString: { fromFile: /run/storage }, containerName: checkpoints }
    serviceBusQueues:
      - connectionString: { fromEnv: SB_CONNECTION }
        queueName: keyvault-events
`,
      { env: {} },
    );
    const inputs = config.ingress.inputs;
    assert.equal(inputs.webhook.enabled, false);
    assert.equal(inputs.eventHubs?.[0]?.consumerGroup, '$Default');
    assert.equal(inputs.eventHubs?.[1]?.consumerGroup, 'ingress');
    assert.deepEqual(inputs.eventHubs?.[0]?.loadBalancing, {
      updateIntervalSeconds: 10,
      ownershipExpirationSeconds: 60,
    });
    assert.deepEqual(inputs.eventHubs?.[1]?.checkpointStore, {
      connectionString: { fromFile: '/run/storage' },
      containerName: 'checkpoints',
    });
    assert.equal(inputs.serviceBusQueues?.[0]?.queueName, 'keyvault-events');
  });

  const broken: [string, string, RegExp][] = [
    [
      'an Event Hub with both credentials',
      `ingress: { inputs: { eventHubs: [{ fullyQualifiedNamespace: ns, connectionString: { fromEnv: X }, eventHubName: h, checkpointStore: { blobContainerUrl: 'https://a/b' } }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]: set exactly one of fullyQualifiedNamespace or connectionString/,
    ],
    [
      'an Event Hub without a checkpoint store',
      `ingress: { inputs: { eventHubs: [{ fullyQualifiedNamespace: ns, eventHubName: h }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]\.checkpointStore: /,
    ],
    [
      'a checkpoint store connection string without a container',
      `ingress: { inputs: { eventHubs: [{ fullyQualifiedNamespace: ns, eventHubName: h, checkpointStore: { connectionString: { fromEnv: S } } }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]\.checkpointStore\.containerName: connectionString needs containerName/,
    ],
    [
      'a checkpoint store with both a URL and a connection string',
      `ingress: { inputs: { eventHubs: [{ fullyQualifiedNamespace: ns, eventHubName: h, checkpointStore: { blobContainerUrl: 'https://a/b', connectionString: { fromEnv: S }, containerName: abc } }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]\.checkpointStore: set exactly one of blobContainerUrl/,
    ],
    [
      'an inline Event Hubs connection string',
      `ingress: { inputs: { eventHubs: [{ connectionString: 'Endpoint=sb://x/', eventHubName: h, checkpointStore: { blobContainerUrl: 'https://a/b' } }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]\.connectionString: /,
    ],
    [
      'an ownership expiry shorter than the update interval',
      `ingress: { inputs: { eventHubs: [{ fullyQualifiedNamespace: ns, eventHubName: h, loadBalancing: { updateIntervalSeconds: 5, ownershipExpirationSeconds: 2 }, checkpointStore: { blobContainerUrl: 'https://a/b' } }] } }\n`,
      /^ingress\.inputs\.eventHubs\[0\]\.loadBalancing: ownershipExpirationSeconds must exceed/,
    ],
    [
      'a queue without a name',
      `ingress: { inputs: { serviceBusQueues: [{ fullyQualifiedNamespace: ns }] } }\n`,
      /^ingress\.inputs\.serviceBusQueues\[0\]\.queueName: /,
    ],
    [
      'a misspelt input',
      `ingress: { inputs: { eventHub: [] } }\n`,
      /^ingress\.inputs\.eventHub: unknown key/,
    ],
  ];
  for (const [label, text, expected] of broken) {
    it(`rejects ${label}`, () => {
      const issues = issuesOf(text);
      assert.ok(
        issues.some((issue) => expected.test(issue)),
        `expected ${String(expected)} in:\n${issues.join('\n')}`,
      );
    });
  }
});
