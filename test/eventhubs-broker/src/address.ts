/**
 * Link addresses as `@azure/event-hubs` builds them (eventhubConnectionConfig.ts):
 *   senders    `<hub>` or `<hub>/Partitions/<id>`
 *   receivers  `<hub>/ConsumerGroups/<group>/Partitions/<id>`
 * Segment names are matched case-insensitively, as the service does.
 */
export type Address =
  | { kind: 'hub'; hub: string }
  | { kind: 'partition'; hub: string; partition: string }
  | { kind: 'consumer'; hub: string; consumerGroup: string; partition: string };

export function parseAddress(raw: string): Address | undefined {
  // Some clients send the full `amqps://host/path` form.
  const path = raw.replace(/^amqps?:\/\/[^/]+\//i, '').replace(/^\/+/, '');
  const parts = path.split('/');
  if (parts.some((part) => part.length === 0)) return undefined;
  const [hub, a, b, c, d] = parts as [string, ...Array<string | undefined>];
  if (parts.length === 1) return { kind: 'hub', hub };
  if (parts.length === 3 && a?.toLowerCase() === 'partitions')
    return { kind: 'partition', hub, partition: b! };
  if (
    parts.length === 5 &&
    a?.toLowerCase() === 'consumergroups' &&
    c?.toLowerCase() === 'partitions'
  )
    return { kind: 'consumer', hub, consumerGroup: b!, partition: d! };
  return undefined;
}
