import { it } from 'node:test';
import assert from 'node:assert/strict';
import { advertisedAddress, candidateIdentity } from './identity';

it('a candidate identity names its host, differs per start, and carries the address it advertises', () => {
  const first = candidateIdentity('discovery-7d9f-x2k');
  assert.match(first, /^discovery-7d9f-x2k-[0-9a-f]{8}$/);
  assert.notEqual(candidateIdentity('discovery-7d9f-x2k'), first, 'a restart is a new candidate');
  assert.equal(advertisedAddress(first), undefined);
  for (const address of ['10.244.1.7:8081', '[fd00::7]:8081']) {
    const identity = candidateIdentity('discovery-7d9f-x2k', address);
    assert.match(identity, /^discovery-7d9f-x2k-[0-9a-f]{8}@/);
    assert.equal(advertisedAddress(identity), address);
  }
  assert.equal(advertisedAddress('someone-else@'), undefined, 'an empty address is none');
});
