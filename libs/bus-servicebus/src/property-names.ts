/**
 * Application properties the transport owns. They are plain Service Bus application properties,
 * so subscription rules (SQL / correlation filters) and foreign clients can see them.
 */
export const PROPERTY = Object.freeze({
  /** The publish routing key (the replica region); subscription rules filter on it. */
  routingKey: 'akvRoutingKey',
  /** On a retry copy: the only subscription (lane) that should receive it. */
  retryFor: 'akvRetryFor',
  /** On a retry copy: deliveries the message had before this copy. */
  attempt: 'akvAttempt',
  /** On a dead letter: deliveries counted by the consumer. */
  deliveryCount: 'akvDeliveryCount',
  /** On a dead letter: the envelope id, when the body had one. */
  envelopeId: 'akvEnvelopeId',
  /** On a dead letter: when the consumer dead-lettered it (ISO 8601). */
  deadLetteredAt: 'akvDeadLetteredAt',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
});

/** Names never shown to handlers as user properties (ours, and Service Bus dead-letter fields). */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  ...Object.values(PROPERTY),
  'DeadLetterReason',
  'DeadLetterErrorDescription',
]);
