import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from './load-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';
const load = (yaml: string) => loadConfigText(`${yaml}\n${LINK}`, { env: {} }).config;
const refusal = (yaml: string): string => {
  try {
    load(yaml);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error.message;
  }
  return assert.fail('the configuration was accepted');
};

describe('status.*', () => {
  it('is off by default, with its port, host and refresh interval defaulted', () => {
    const { status } = load('');
    assert.equal(status.enabled, false);
    assert.equal(status.port, 8081);
    assert.equal(status.host, '0.0.0.0');
    assert.equal(status.refreshSeconds, 10);
    assert.equal(status.token, undefined);
  });

  it('takes the bearer token as a secret reference, never inline', () => {
    const { status } = load('status: { enabled: true, token: { fromEnv: STATUS_TOKEN } }');
    assert.deepEqual(status.token, { fromEnv: 'STATUS_TOKEN' });
    assert.match(
      refusal('status: { enabled: true, token: s3cr3t }'),
      /status\.token.*inline secret values are not allowed/s,
    );
  });

  it('refuses an enabled endpoint without a token', () => {
    assert.match(refusal('status: { enabled: true }'), /status\.token.*needs a bearer token/s);
  });

  it('allows no token only on loopback, and only when said explicitly', () => {
    const open = load('status: { enabled: true, host: 127.0.0.1, allowUnauthenticated: true }');
    assert.equal(open.status.allowUnauthenticated, true);
    assert.match(
      refusal('status: { enabled: true, host: 0.0.0.0, allowUnauthenticated: true }'),
      /status\.allowUnauthenticated.*loopback.*not 0\.0\.0\.0/s,
    );
    assert.match(
      refusal(
        'status: { enabled: true, host: ::1, allowUnauthenticated: true, token: { fromEnv: T } }',
      ),
      /either token or allowUnauthenticated/,
    );
  });

  it('refreshSeconds must be positive', () => {
    assert.equal(load('status: { refreshSeconds: 0.5 }').status.refreshSeconds, 0.5);
    assert.match(refusal('status: { refreshSeconds: 0 }'), /status\.refreshSeconds/);
  });
});

describe('telemetry.traceUrlTemplate', () => {
  it("accepts a trace UI's URL with the {traceId} placeholder", () => {
    const { telemetry } = load(
      "telemetry: { traceUrlTemplate: 'http://localhost:16686/trace/{traceId}' }",
    );
    assert.equal(telemetry.traceUrlTemplate, 'http://localhost:16686/trace/{traceId}');
    assert.equal(load('').telemetry.traceUrlTemplate, undefined);
  });

  it('refuses a template without the placeholder or not over http(s)', () => {
    for (const bad of ['http://localhost:16686/trace/', "'javascript:alert({traceId})'"])
      assert.match(
        refusal(`telemetry: { traceUrlTemplate: ${bad} }`),
        /telemetry\.traceUrlTemplate.*http\(s\) URL containing \{traceId\}/s,
      );
  });
});
