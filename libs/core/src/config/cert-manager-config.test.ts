import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from './load-config';

const base = `links:
  - name: dr
    source: { vault: kv-src }
    replicas: [{ vault: kv-dr, region: westus }]
`;

function issuesOf(text: string): string[] {
  try {
    loadConfigText(text, { env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  assert.fail('expected the configuration to be rejected');
}

describe('certManager configuration', () => {
  it('is off when absent, and defaulted when given only a vault', () => {
    assert.equal(loadConfigText(base, { env: {} }).config.certManager, undefined);
    const { config } = loadConfigText(`${base}certManager: { vault: kv-src }\n`, { env: {} });
    assert.deepEqual(config.certManager, {
      vault: 'kv-src',
      namespaces: [],
      annotation: 'cert-manager.io/certificate-name',
      namePrefix: '',
      format: 'PEM',
      onDelete: 'keep',
      lease: { name: 'akv-replicator-cert-manager', durationSeconds: 15, renewSeconds: 5 },
    });
  });

  it('names the key path of every mistake', () => {
    const issues = issuesOf(`${base}certManager:
  vault: x
  namespaces: [Team_A]
  format: DER
  onDelete: purge
  tenant: nowhere
  lease: { durationSeconds: 5, renewSeconds: 5, name: Lease }
  watchEverything: true
`);
    const paths = issues.map((i) => i.split(':')[0]);
    for (const path of [
      'certManager.vault',
      'certManager.namespaces[0]',
      'certManager.format',
      'certManager.onDelete',
      'certManager.lease.name',
      'certManager.watchEverything',
    ])
      assert.ok(paths.includes(path), `${path} in ${issues.join('; ')}`);
    assert.ok(
      issues.every((i) => /\(line \d+\)/.test(i)),
      'each issue points at its line',
    );
  });

  it('checks the lease timing and the tenant after the schema', () => {
    assert.match(
      issuesOf(
        `${base}certManager: { vault: kv-src, lease: { durationSeconds: 5, renewSeconds: 5 } }\n`,
      ).join(),
      /certManager\.lease\.renewSeconds: renewSeconds must be shorter/,
    );
    assert.match(
      issuesOf(`${base}certManager: { vault: kv-src, tenant: nowhere }\n`).join(),
      /certManager\.tenant: unknown tenant "nowhere"/,
    );
  });
});
