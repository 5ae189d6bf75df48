/**
 * JetStream names for bus concepts. One stream per topic (`<prefix>_<topic>`) holding subjects
 * `<prefix>.<topic>.<routingKey|_>`; one durable consumer per subscription lane; one
 * dead-letter stream per installation (`<prefix>_dlq`, subjects `<prefix>.dlq.<topic>.<subscription>`).
 */

/** Routing-key token for messages published without a key. */
export const NO_ROUTING_KEY_TOKEN = '_';

export function streamName(prefix: string, topic: string): string {
  return `${prefix}_${topic}`;
}

export function topicSubjects(prefix: string, topic: string): string {
  return `${prefix}.${topic}.*`;
}

export function messageSubject(
  prefix: string,
  topic: string,
  routingKey: string | undefined,
): string {
  return `${prefix}.${topic}.${routingKey ?? NO_ROUTING_KEY_TOKEN}`;
}

/** The filter of one lane: one routing key, or the whole topic. */
export function laneFilterSubject(
  prefix: string,
  topic: string,
  routingKey: string | undefined,
): string {
  return routingKey === undefined
    ? topicSubjects(prefix, topic)
    : messageSubject(prefix, topic, routingKey);
}

/** Durable consumer name of one lane. */
export function durableName(subscription: string, routingKey: string | undefined): string {
  return routingKey === undefined ? subscription : `${subscription}__${routingKey}`;
}

export function routingKeyOf(subject: string): string | undefined {
  const token = subject.slice(subject.lastIndexOf('.') + 1);
  return token === NO_ROUTING_KEY_TOKEN ? undefined : token;
}

export function deadLetterStreamName(prefix: string): string {
  return `${prefix}_dlq`;
}

export function deadLetterSubject(
  prefix: string,
  topic: string,
  subscription: string | undefined,
): string {
  return `${prefix}.dlq.${topic}.${subscription ?? '*'}`;
}
