/**
 * One receiver link reading one partition for one consumer group: a cursor (the next sequence
 * number to hand out) moved by link credit. Event Hubs keeps no per-reader state beyond the link,
 * so a reconnecting client says where to resume through its selector filter.
 */
import type { AmqpError, Message as AmqpMessage, Sender } from 'rhea';
import { internals, rhea } from '@akv-replicator/servicebus-broker/amqp';
import type { PartitionLog, StoredEvent } from './partition-log';

export class PartitionConsumer {
  private readonly unsubscribe: () => void;
  /** Delivery ids queued in rhea's session but not yet on the wire (they still hold credit). */
  private readonly unsent: number[] = [];
  private closed = false;

  constructor(
    readonly sender: Sender,
    private readonly log: PartitionLog,
    private cursor: number,
    /** `com.microsoft:epoch` (owner level); undefined for a non-exclusive reader. */
    readonly epoch: number | undefined,
    private readonly runtimeMetric: boolean,
  ) {
    this.unsubscribe = log.onAppend(() => this.pump());
  }

  /** Sends retained events from the cursor while the client has credit. */
  pump(): void {
    while (!this.closed && this.hasCredit()) {
      const event = this.log.at(this.cursor);
      if (!event) return;
      // Retention may have dropped events the cursor pointed at: continue with the oldest kept.
      this.cursor = event.sequenceNumber + 1;
      const delivery = this.sender.send(
        this.wire(event),
        Buffer.from(String(event.sequenceNumber)),
      );
      this.unsent.push(delivery.id);
    }
  }

  /** Stops reading; with an error, detaches the link carrying it (e.g. a higher epoch took over). */
  close(error?: AmqpError): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    if (error && this.sender.is_open()) this.sender.close(error);
  }

  private hasCredit(): boolean {
    // rhea spends credit only when a transfer leaves, so count what this tick already queued.
    const link = internals(this.sender);
    const pending = link.session.outgoing.next_pending_delivery;
    while (this.unsent.length > 0 && this.unsent[0]! < pending) this.unsent.shift();
    return this.sender.is_open() && this.sender.sendable() && link.credit > this.unsent.length;
  }

  private wire(event: StoredEvent): AmqpMessage {
    const annotations: Record<string, unknown> = {
      ...event.message.message_annotations,
      'x-opt-sequence-number': rhea.types.wrap_long(event.sequenceNumber),
      'x-opt-offset': event.offset,
      'x-opt-enqueued-time': new Date(event.enqueuedTime),
    };
    if (event.partitionKey !== undefined) annotations['x-opt-partition-key'] = event.partitionKey;
    const message: AmqpMessage = { ...event.message, message_annotations: annotations };
    if (this.runtimeMetric) {
      const last = this.log.summary();
      message.delivery_annotations = {
        last_enqueued_sequence_number: rhea.types.wrap_long(last.lastEnqueuedSequenceNumber),
        last_enqueued_offset: last.lastEnqueuedOffset,
        last_enqueued_time_utc: new Date(last.lastEnqueuedTime),
        runtime_info_retrieval_time_utc: new Date(),
      };
    }
    return message;
  }
}
