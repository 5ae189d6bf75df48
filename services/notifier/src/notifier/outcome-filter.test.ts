import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileChannelFilter } from './outcome-filter';
import { failedOutcome } from '../testing/outcomes';

const GLOBAL = { onSuccess: false, onFailure: true, onWarning: true };

test('without its own events a channel follows notifications.events', () => {
  const accepts = compileChannelFilter({}, GLOBAL);
  assert.equal(accepts(failedOutcome()), true);
  assert.equal(accepts(failedOutcome({ status: 'warning' })), true);
  assert.equal(accepts(failedOutcome({ status: 'success' })), false);
});

test("a channel's own events replace the global ones", () => {
  const successOnly = compileChannelFilter(
    { events: { onSuccess: true, onFailure: false, onWarning: false } },
    GLOBAL,
  );
  assert.equal(successOnly(failedOutcome({ status: 'success' })), true);
  assert.equal(successOnly(failedOutcome()), false);
  assert.equal(successOnly(failedOutcome({ status: 'warning' })), false);
});

test('a links filter keeps only outcomes of the listed links (none without a link)', () => {
  const accepts = compileChannelFilter({ links: ['payments-dr'] }, GLOBAL);
  assert.equal(accepts(failedOutcome({ link: 'payments-dr' })), true);
  assert.equal(accepts(failedOutcome({ link: 'hr-dr' })), false);
  assert.equal(accepts(failedOutcome({ link: undefined })), false);
});

test('a vaults filter matches the source or the replica vault, ignoring case', () => {
  const accepts = compileChannelFilter({ vaults: ['KV-Payments-WEU'] }, GLOBAL);
  assert.equal(accepts(failedOutcome()), true, 'replica kv-payments-weu');
  assert.equal(
    accepts(failedOutcome({ replica: { name: 'kv-other', region: 'westeurope' } })),
    false,
  );
  const bySource = compileChannelFilter({ vaults: ['kv-payments-neu'] }, GLOBAL);
  assert.equal(
    bySource(failedOutcome({ replica: { name: 'kv-other', region: 'westeurope' } })),
    true,
  );
});

test('events, links and vaults filters all have to pass', () => {
  const accepts = compileChannelFilter(
    {
      events: { onSuccess: false, onFailure: true, onWarning: false },
      links: ['payments-dr'],
      vaults: ['kv-payments-weu'],
    },
    GLOBAL,
  );
  assert.equal(accepts(failedOutcome()), true);
  assert.equal(accepts(failedOutcome({ status: 'warning' })), false);
});
