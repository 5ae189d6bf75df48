import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isReplicatorError } from '../errors/errors';
import { resolveSecretRef, type SecretSource } from './secret-ref';

const source: SecretSource = {
  env: { SLACK_URL: 'https://hooks.example/abc', EMPTY: '' },
  readFile: async (path) => {
    if (path === '/secrets/smtp') return 'p4ss\n';
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
};

describe('resolveSecretRef', () => {
  it('reads environment variables and files (dropping the trailing newline of mounted secrets)', async () => {
    assert.equal(
      await resolveSecretRef({ fromEnv: 'SLACK_URL' }, 'notifications.slack.webhookUrl', source),
      'https://hooks.example/abc',
    );
    assert.equal(
      await resolveSecretRef(
        { fromFile: '/secrets/smtp' },
        'notifications.email.smtpPassword',
        source,
      ),
      'p4ss',
    );
  });

  for (const [label, ref, expected] of [
    [
      'missing variable',
      { fromEnv: 'NOPE' },
      /notifications\.x: environment variable NOPE is not set/,
    ],
    ['empty variable', { fromEnv: 'EMPTY' }, /EMPTY is not set/],
    [
      'missing file',
      { fromFile: '/secrets/none' },
      /notifications\.x: cannot read secret file \/secrets\/none/,
    ],
  ] as const) {
    it(`names the key path and reference for a ${label}`, async () => {
      await assert.rejects(resolveSecretRef(ref, 'notifications.x', source), (error: unknown) => {
        assert.ok(isReplicatorError(error));
        assert.match(error.message, expected);
        return true;
      });
    });
  }
});
