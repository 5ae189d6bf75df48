/** A source the ingress pulls Event Grid deliveries from (the webhook is pushed to instead). */
export interface IngressInput {
  /** `<kind>:<entity>`, for logs. */
  readonly name: string;
  /** Connects and starts receiving; resolves once receiving has begun. */
  start(): Promise<void>;
  /**
   * Graceful drain: stops receiving, lets in-flight deliveries finish publishing and settle
   * (complete / checkpoint), then closes. Whatever is not settled is delivered again later.
   * Idempotent.
   */
  stop(): Promise<void>;
}
