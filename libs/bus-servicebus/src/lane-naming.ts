import { createHash } from 'node:crypto';
import { PROPERTY } from './property-names';

/** Service Bus subscription names are at most 50 characters. */
export const MAX_SUBSCRIPTION_NAME_LENGTH = 50;

/**
 * The Service Bus subscription behind one lane: the bus subscription name, plus `.routingKey`
 * for a keyed lane. `.` cannot occur in bus names, so lanes never collide with plain names.
 * Names over 50 characters keep a readable prefix and a hash of the whole.
 */
export function laneSubscriptionName(subscription: string, routingKey: string | undefined): string {
  const full = routingKey === undefined ? subscription : `${subscription}.${routingKey}`;
  if (full.length <= MAX_SUBSCRIPTION_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, MAX_SUBSCRIPTION_NAME_LENGTH - hash.length - 1)}~${hash}`;
}

/** True when `laneName` is a lane of the bus subscription `subscription`. */
export function isLaneOf(laneName: string, subscription: string): boolean {
  return laneName === subscription || laneName.startsWith(`${subscription}.`);
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The SQL filter of a lane's subscription: its routing key (or everything), excluding retry
 * copies scheduled for other lanes, including those scheduled for this one. A retry is a copy
 * published to the topic, so without the second half every subscription would get it.
 */
export function laneSqlFilter(laneName: string, routingKey: string | undefined): string {
  const own = `${PROPERTY.retryFor} = ${quote(laneName)}`;
  const fresh =
    routingKey === undefined
      ? `${PROPERTY.retryFor} IS NULL`
      : `${PROPERTY.routingKey} = ${quote(routingKey)} AND ${PROPERTY.retryFor} IS NULL`;
  return `(${fresh}) OR ${own}`;
}
