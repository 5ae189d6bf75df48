/**
 * `$management` READ requests, with the field names and types `@azure/event-hubs` 6.x reads
 * (managementClient.ts): application properties `operation` = READ, `name` = hub, `type` =
 * `com.microsoft:eventhub` | `com.microsoft:partition`, `partition`; the answer is an AMQP map.
 */
import type { Message } from 'rhea';
import type { EventHubs } from './hubs';
import { rhea } from '@akv-replicator/servicebus-broker/amqp';

export interface ManagementResponse {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly errorCondition?: string;
  readonly body?: Record<string, unknown>;
}

export function handleManagement(hubs: EventHubs, request: Message): ManagementResponse {
  const props = request.application_properties ?? {};
  const operation = String(props['operation'] ?? '');
  const type = String(props['type'] ?? '');
  const name = String(props['name'] ?? '');
  if (operation !== 'READ')
    return failure(400, 'com.microsoft:argument-error', `Unsupported operation '${operation}'.`);
  const hub = hubs.hub(name);
  if (!hub)
    return failure(404, 'amqp:not-found', `The messaging entity '${name}' could not be found.`);
  if (type === 'com.microsoft:eventhub') {
    return ok({
      name: hub.name,
      type,
      created_at: hub.createdAt,
      partition_count: hub.partitions.length,
      partition_ids: hub.partitionIds,
    });
  }
  if (type === 'com.microsoft:partition') {
    const id = String(props['partition'] ?? '');
    const partition = hub.partition(id);
    if (!partition) {
      return failure(
        400,
        'com.microsoft:argument-out-of-range',
        `The specified partition '${id}' is invalid for event hub '${hub.name}'; valid ids are 0-${hub.partitions.length - 1}.`,
      );
    }
    const s = partition.summary();
    return ok({
      name: hub.name,
      type,
      partition: partition.id,
      begin_sequence_number: rhea.types.wrap_long(s.beginningSequenceNumber),
      last_enqueued_sequence_number: rhea.types.wrap_long(s.lastEnqueuedSequenceNumber),
      last_enqueued_offset: s.lastEnqueuedOffset,
      last_enqueued_time_utc: new Date(s.lastEnqueuedTime),
      is_partition_empty: s.isEmpty,
    });
  }
  return failure(400, 'com.microsoft:argument-error', `Unsupported management type '${type}'.`);
}

function ok(body: Record<string, unknown>): ManagementResponse {
  return { statusCode: 200, statusDescription: 'OK', body };
}

function failure(
  statusCode: number,
  errorCondition: string,
  description: string,
): ManagementResponse {
  return { statusCode, statusDescription: description, errorCondition };
}
