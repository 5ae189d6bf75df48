import { ReplicatorError } from '@akv-replicator/core';

/** A failure of the bus itself (not of a handler). */
export class BusError extends ReplicatorError {
  override readonly name: string = 'BusError';
}

/** Publishing or subscribing on a bus that is closing or closed. */
export class BusClosedError extends BusError {
  override readonly name = 'BusClosedError';
  constructor(operation: string) {
    super(`bus is closed: cannot ${operation}`, { code: 'BusClosed', fields: { operation } });
  }
}

/** Invalid bus, publish or subscribe options; raised before anything touches a broker. */
export class BusOptionsError extends BusError {
  override readonly name = 'BusOptionsError';
  constructor(key: string, message: string) {
    super(`invalid bus option ${key}: ${message}`, { code: 'BusOptionsInvalid', fields: { key } });
  }
}

/** The broker did not acknowledge a publish in time (it may still be stored: retry with the same id). */
export class PublishTimeoutError extends BusError {
  override readonly name = 'PublishTimeoutError';
  constructor(topic: string, id: string, timeoutMs: number, cause?: unknown) {
    super(`publish to ${topic} not acknowledged within ${timeoutMs} ms (id ${id})`, {
      code: 'BusPublishTimeout',
      retryable: true,
      fields: { topic, id, timeoutMs },
      cause,
    });
  }

  /** Predicate in the nats.js style. */
  isTimeout(): boolean {
    return true;
  }
}
