import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { regionKey } from './region-key';

describe('regionKey', () => {
  it('ARM names and display names of one region are one key', () => {
    for (const region of ['westeurope', 'West Europe', 'WESTEUROPE', ' west  europe '])
      assert.equal(regionKey(region), 'westeurope', JSON.stringify(region));
  });

  it('other regions stay apart, digits included', () => {
    assert.notEqual(regionKey('East US'), regionKey('East US 2'));
    assert.equal(regionKey('East US 2'), 'eastus2');
  });
});
