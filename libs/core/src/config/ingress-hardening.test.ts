import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from './load-config';
import { isLoopbackHost } from './schema-runtime';

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

describe('ingress hardening keys', () => {
  it('defaults: connection cap, header and body timeouts, refusal reports, /resync closed', () => {
    const { ingress } = loadConfigText(LINK, { env: {} }).config;
    assert.equal(ingress.maxConnections, 256);
    assert.equal(ingress.headersTimeoutSeconds, 10);
    assert.equal(ingress.bodyTimeoutSeconds, 20);
    assert.equal(ingress.refusalReportIntervalSeconds, 300);
    assert.equal(ingress.auth.allowUnauthenticatedResync, false);
  });

  it('allows an unauthenticated POST /resync only when the ingress listens on loopback', () => {
    const open = (host: string) =>
      `ingress:\n  host: '${host}'\n  auth: { allowUnauthenticatedResync: true }\n`;
    for (const host of ['127.0.0.1', '::1', 'localhost', '[::1]'])
      assert.equal(
        loadConfigText(LINK + open(host), { env: {} }).config.ingress.auth
          .allowUnauthenticatedResync,
        true,
        host,
      );
    for (const host of ['0.0.0.0', '::', '10.0.0.4', 'ingress.example'])
      assert.match(
        issuesOf(open(host)).join('\n'),
        /ingress\.auth\.allowUnauthenticatedResync: only allowed with ingress\.host on loopback/,
        host,
      );
  });

  it('refuses allowUnauthenticatedResync beside a resyncToken (one of the two would be ignored)', () => {
    const issues = issuesOf(
      `ingress:\n  host: 127.0.0.1\n  auth:\n    allowUnauthenticatedResync: true\n    resyncToken: { fromEnv: T }\n`,
    );
    assert.match(issues.join('\n'), /either resyncToken or allowUnauthenticatedResync/);
  });

  it('refuses a header timeout longer than the body timeout, naming the key', () => {
    const issues = issuesOf('ingress:\n  headersTimeoutSeconds: 30\n  bodyTimeoutSeconds: 5\n');
    assert.match(issues.join('\n'), /ingress\.headersTimeoutSeconds: must not exceed/);
  });

  it('refuses non-positive limits', () => {
    for (const key of [
      'maxConnections',
      'headersTimeoutSeconds',
      'bodyTimeoutSeconds',
      'refusalReportIntervalSeconds',
    ])
      assert.match(issuesOf(`ingress:\n  ${key}: 0\n`).join('\n'), new RegExp(`ingress\\.${key}`));
  });

  it('recognises loopback hosts and nothing else', () => {
    assert.ok(isLoopbackHost('127.1.2.3'));
    assert.ok(!isLoopbackHost('127.0.0.1.evil.example'));
    assert.ok(!isLoopbackHost('128.0.0.1'));
  });
});
