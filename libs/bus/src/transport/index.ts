// The transport-facing half of the bus, for transport packages (e.g. libs/bus-servicebus):
// the shared base class, delivery runner, lanes and option checks every transport reuses.
// Services use the "." entry; only transports import this one.
export { BusBase } from '../runtime/bus-base';
export type { BusOptions, RunnerFactory } from '../runtime/bus-base';
export { DeliveryRunner } from '../runtime/delivery-runner';
export type { DeliveryRunnerOptions } from '../runtime/delivery-runner';
export type { Delivery, BusErrorSink } from '../runtime/delivery';
export { LaneSubscription } from '../runtime/lane-subscription';
export type { Lane } from '../runtime/lane-subscription';
export { CompletedIds } from '../runtime/completed-ids';
export { Slots } from '../runtime/slots';
export { checkBusName, checkDurationMs, redeliveryDelayMs } from '../port/options';
export type { PublishCall, HandleCall } from '../port/interceptors';
export { publishWithRetry } from '../runtime/publish-retry';
export type { PublishRetryRequest } from '../runtime/publish-retry';
export { OncePerKey } from '../runtime/once-per-key';
