import { afterEach, beforeEach, describe } from 'node:test';
import { brokerCases } from './broker-cases';
import { deliveryCases, traceCases } from './delivery-cases';
import { failureCases } from './failure-cases';
import type { BusContractFactory, BusContractHarness } from './harness';
import { lifecycleCases } from './lifecycle-cases';

export type { BusContractFactory, BusContractHarness, ContractBroker } from './harness';
export { outcomeEnvelope, eventually, sleep, gate, uniqueName } from './helpers';

/**
 * The one contract every bus transport must pass (node:test). Call it at the top level of a
 * test file; `factory` runs before each test and must give an isolated namespace.
 */
export function runBusContract(name: string, factory: BusContractFactory): void {
  void describe(`bus contract: ${name}`, () => {
    let current: BusContractHarness | undefined;
    const harness = (): BusContractHarness => {
      if (!current) throw new Error('bus contract harness not ready');
      return current;
    };
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });
    deliveryCases(harness);
    traceCases(harness);
    failureCases(harness);
    lifecycleCases(harness);
    brokerCases(harness);
  });
}
