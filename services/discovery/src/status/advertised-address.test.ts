import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { advertisedStatusAddress } from './advertised-address';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal }) as NetworkInterfaceInfo;
const POD = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('fe80::a8b0:1ff:fe2c:3', 'IPv6'), nic('10.244.1.7', 'IPv4')],
};

it('a listener on every address is reached at the pod IP; one on a named address there', () => {
  assert.equal(advertisedStatusAddress('http://0.0.0.0:8081', POD), '10.244.1.7:8081');
  assert.equal(advertisedStatusAddress('http://[::]:8081', POD), '10.244.1.7:8081');
  assert.equal(advertisedStatusAddress('http://127.0.0.1:41234', POD), '127.0.0.1:41234');
  assert.equal(advertisedStatusAddress('http://10.0.0.5:8081', POD), '10.0.0.5:8081');
  const ipv6Only = { lo: POD.lo, eth0: [POD.eth0[0]!, nic('fd00::7', 'IPv6')] };
  assert.equal(advertisedStatusAddress('http://[::]:8081', ipv6Only), '[fd00::7]:8081');
  assert.equal(advertisedStatusAddress('http://0.0.0.0:8081', { lo: POD.lo }), undefined);
});
