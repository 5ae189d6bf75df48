export type {
  Bus,
  Publisher,
  Subscriber,
  Subscription,
  DeadLetterReader,
  DeadLetter,
  DeadLetterQuery,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  MessageHandler,
  HandlerContext,
  TraceContext,
} from './port/bus';
export { ack, retry, reject } from './port/handler-result';
export type { HandlerResult } from './port/handler-result';
export { BusError, BusClosedError, BusOptionsError, PublishTimeoutError } from './port/errors';
export { composePublish, composeHandle, traceContextInterceptor } from './port/interceptors';
export type {
  BusInterceptor,
  PublishCall,
  HandleCall,
  TraceContextInterceptorOptions,
} from './port/interceptors';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_RETRY_BACKOFF_MS,
  DEFAULT_ACK_WAIT_MS,
  MIN_ACK_WAIT_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  DEFAULT_COMPLETED_ID_WINDOW_MS,
  DEFAULT_DEAD_LETTER_LIST_LIMIT,
  BUS_NAME_PATTERN,
  resolveSubscribeOptions,
} from './port/options';
export type { ResolvedSubscribeOptions } from './port/options';
export type { BusOptions } from './runtime/bus-base';
export type { BusErrorSink } from './runtime/delivery';
export {
  MemoryBroker,
  DEFAULT_MEMORY_RETAINED_MESSAGES,
  DEFAULT_MEMORY_DEAD_LETTER_LIMIT,
} from './memory/memory-broker';
export type { MemoryBrokerOptions, RawPublishOptions } from './memory/memory-broker';
export { MemoryBus } from './memory/memory-bus';
export type { MemoryBusOptions } from './memory/memory-bus';
export { createMemoryBus } from './memory/create-memory-bus';
