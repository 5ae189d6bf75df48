import type { MemoryBrokerOptions } from './memory-broker';
import { MemoryBroker } from './memory-broker';
import type { MemoryBusOptions } from './memory-bus';
import { MemoryBus } from './memory-bus';

/** A bus with its own private broker (closed with it): the embedded single-process default. */
export function createMemoryBus(options: MemoryBusOptions & MemoryBrokerOptions = {}): MemoryBus {
  return new MemoryBus(new MemoryBroker(options), options, true);
}
