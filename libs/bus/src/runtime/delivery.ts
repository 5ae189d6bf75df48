import type { TraceContext } from '../port/bus';

/**
 * One delivery as a transport hands it to the shared runner. Settlement methods talk to the
 * broker; they may reject (broker down) and the runner then leaves the message to redelivery.
 */
export interface Delivery {
  readonly body: Uint8Array;
  readonly deliveryCount: number;
  readonly routingKey: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** Trace context from broker headers, when the transport has headers. */
  readonly traceContext: TraceContext;
  ack(): Promise<void>;
  /** Redeliver after `delayMs`. */
  retry(delayMs: number): Promise<void>;
  /** Store in the dead-letter destination with the reason, then settle for good. */
  deadLetter(reason: string, envelopeId: string | undefined): Promise<void>;
  /** Keep the lease alive. */
  working(): void;
}

/** Where the runner reports broker failures it survived (a failed ack, a failed dead-letter). */
export type BusErrorSink = (
  error: unknown,
  info: { topic: string; subscription: string; action: string },
) => void;
