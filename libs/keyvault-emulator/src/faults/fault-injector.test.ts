import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultInjector } from './fault-injector';

function injector(draws: number[] = []) {
  let changes = 0;
  const faults = new FaultInjector({
    random: () => draws.shift() ?? 0.5,
    onAvailabilityChange: async () => void (changes += 1),
  });
  return { faults, changes: () => changes };
}

describe('FaultInjector', () => {
  it('scopes latency, errors and drops to one vault or all', () => {
    const { faults } = injector([0.1, 0.9, 0.1]);
    faults.setLatency(100);
    faults.setLatency(50, { vault: 'kv-a' });
    assert.equal(faults.latencyFor('KV-A'), 150);
    assert.equal(faults.latencyFor('kv-b'), 100);
    faults.setErrorRate({ rate: 0.5, status: 503, vault: 'kv-a' });
    assert.equal(faults.drawError('kv-a'), 503, 'draw 0.1 < 0.5 fails');
    assert.equal(faults.drawError('kv-a'), undefined, 'draw 0.9 passes');
    assert.equal(faults.drawError('kv-b'), undefined, 'other vaults are untouched');
    faults.setDropRate(0.2);
    assert.equal(faults.drawDrop('kv-b'), true);
  });

  it('resolves availability with the vault overriding its region, and notifies on every change', async () => {
    const { faults, changes } = injector();
    await faults.takeRegionOffline('WestEurope', 'reset');
    assert.equal(faults.availabilityOf('kv-a', 'westeurope'), 'reset');
    await faults.takeVaultOffline('kv-a', 'refuse');
    assert.equal(faults.availabilityOf('kv-a', 'westeurope'), 'refuse');
    assert.equal(faults.availabilityOf('kv-b', 'northeurope'), 'online');
    await faults.reset();
    assert.equal(faults.availabilityOf('kv-a', 'westeurope'), 'online');
    assert.equal(changes(), 3);
  });

  it('validates rates and latency', () => {
    const { faults } = injector();
    assert.throws(() => faults.setErrorRate({ rate: 1.5 }), RangeError);
    assert.throws(() => faults.setDropRate(-1), RangeError);
    assert.throws(() => faults.setLatency(-5), RangeError);
  });
});
