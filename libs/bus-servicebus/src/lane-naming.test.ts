import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSqlFilter } from '@akv-replicator/servicebus-broker';
import {
  isLaneOf,
  laneSqlFilter,
  laneSubscriptionName,
  MAX_SUBSCRIPTION_NAME_LENGTH,
} from './lane-naming';

const message = (properties: Record<string, unknown>) => ({ properties, system: {} });

describe('lane naming and filters', () => {
  it('names a lane after its subscription and routing key, within Service Bus limits', () => {
    assert.equal(laneSubscriptionName('replicator', undefined), 'replicator');
    assert.equal(laneSubscriptionName('replicator', 'westeurope'), 'replicator.westeurope');
    const long = laneSubscriptionName('certificate-converter-with-a-long-name', 'southafricanorth');
    assert.ok(long.length <= MAX_SUBSCRIPTION_NAME_LENGTH, long);
    assert.notEqual(
      long,
      laneSubscriptionName('certificate-converter-with-a-long-name', 'southafricawest'),
    );
    assert.ok(isLaneOf('replicator.westeurope', 'replicator'));
    assert.ok(isLaneOf('replicator', 'replicator'));
    assert.ok(!isLaneOf('replicator-2.westeurope', 'replicator'));
  });

  it("builds a SQL rule that takes its region, skips other lanes' retry copies and takes its own", () => {
    // Evaluated by the test broker's SQL evaluator: the same text goes to Azure.
    const we = compileSqlFilter(laneSqlFilter('replicator.westeurope', 'westeurope'));
    assert.equal(we(message({ akvRoutingKey: 'westeurope' })), true);
    assert.equal(we(message({ akvRoutingKey: 'northeurope' })), false);
    assert.equal(we(message({})), false);
    assert.equal(we(message({ akvRoutingKey: 'westeurope', akvRetryFor: 'notifier' })), false);
    assert.equal(
      we(message({ akvRoutingKey: 'westeurope', akvRetryFor: 'replicator.westeurope' })),
      true,
    );
    const all = compileSqlFilter(laneSqlFilter('notifier', undefined));
    assert.equal(all(message({ akvRoutingKey: 'anything' })), true);
    assert.equal(all(message({ akvRetryFor: 'replicator.westeurope' })), false);
  });

  it("quotes routing keys and lane names (a ' cannot break out of the literal)", () => {
    const filter = laneSqlFilter("x'y", "it's");
    assert.match(filter, /'it''s'/);
    assert.equal(compileSqlFilter(filter)(message({ akvRoutingKey: "it's" })), true);
  });
});
