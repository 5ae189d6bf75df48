/**
 * The transport-facing half of `@akv-replicator/bus` (BusBase, DeliveryRunner, lanes, option
 * checks). ADR 0200 says every transport shares it, but the package's `exports` map does not
 * publish it yet, so this one file reaches into its sources. When libs/bus exports a transport
 * entry (e.g. `@akv-replicator/bus/transport`), only these imports change.
 */
export { BusBase } from '../../bus/src/runtime/bus-base';
export type { RunnerFactory } from '../../bus/src/runtime/bus-base';
export type { DeliveryRunner } from '../../bus/src/runtime/delivery-runner';
export type { Delivery } from '../../bus/src/runtime/delivery';
export type { Lane } from '../../bus/src/runtime/lane-subscription';
export { checkBusName, checkDurationMs } from '../../bus/src/port/options';
export type { PublishCall } from '../../bus/src/port/interceptors';
