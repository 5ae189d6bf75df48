import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Secret } from '@kubernetes/client-node';
import { trimForCache } from './tls-secret-watch';

const ANNOTATION = 'cert-manager.io/certificate-name';
const secret = (annotations: Record<string, string>): V1Secret => ({
  metadata: {
    name: 'web-tls',
    namespace: 'shop',
    annotations,
    managedFields: [{ manager: 'cert-manager', operation: 'Apply' }],
  },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
});

test('the cache keeps key material only of Secrets it may import, and never managedFields', () => {
  const imported = trimForCache(secret({ [ANNOTATION]: 'web' }), ANNOTATION);
  assert.deepEqual(imported.data, { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' });
  assert.equal(imported.metadata?.managedFields, undefined);

  const other = trimForCache(secret({}), ANNOTATION);
  assert.equal(other.data, undefined, 'an unannotated TLS Secret keeps no private key in memory');
  assert.equal(other.metadata?.name, 'web-tls', 'its identity stays (the watch diffs by it)');
});
