/** Service Bus errors an entity raises; `condition` is the AMQP error condition sent back. */

/** The lock named by a settlement or renewal is gone (expired, settled, or never existed). */
export class MessageLockLostError extends Error {
  override readonly name = 'MessageLockLostError';
  readonly condition = 'com.microsoft:message-lock-lost';
  constructor(readonly lockToken: string) {
    super(
      `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. Reference: ${lockToken}`,
    );
  }
}

/** No deferred message with that sequence number. */
export class MessageNotFoundError extends Error {
  override readonly name = 'MessageNotFoundError';
  readonly condition = 'com.microsoft:message-not-found';
  constructor(readonly sequenceNumber: number) {
    super(`No deferred message with sequence number ${sequenceNumber} was found.`);
  }
}
