import { it } from 'node:test';
import assert from 'node:assert/strict';
import { nextStep } from './next-step';

it('advises on a refused Event Grid delivery, not on vault permissions', () => {
  const advice = nextStep({
    outcomeId: 'o1',
    status: 'failure',
    action: 'delivery-refused',
    service: 'ingress',
    code: 'IngressDeliveryRefused',
    reason:
      '2 Event Grid deliveries refused with HTTP 403 (wrong-shared-secret). Likely cause: the shared secret sent does not match ingress.auth.sharedSecret.',
    dryRun: false,
    at: '2026-11-23T12:00:00Z',
  });
  assert.match(advice ?? '', /Event Grid does not retry a refused delivery/);
  assert.doesNotMatch(advice ?? '', /Key Vault Secrets/);
});
