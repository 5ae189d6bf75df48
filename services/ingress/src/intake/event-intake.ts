import {
  TOPICS,
  createEnvelope,
  recordIngressEvent,
  silentLogger,
  type Logger,
  type VaultEventData,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { normaliseEvent } from '../eventgrid/normalise';
import type { Delivery } from '../eventgrid/parse-delivery';

export const INGRESS_SOURCE = '/akv-replicator/ingress';

/** Which input delivered the events (recorded on every vault event). */
export type IngressInputName = VaultEventData['input'];

export type IntakeOutcome =
  | {
      readonly kind: 'accepted';
      readonly published: number;
      readonly duplicates: number;
      readonly ignored: number;
    }
  | { readonly kind: 'invalid'; readonly reasons: readonly string[] }
  | { readonly kind: 'eventgrid-validation'; readonly validationCode: string };

export interface IntakeContext {
  readonly input: IngressInputName;
  /** W3C traceparent the delivery carried, if any. */
  readonly traceparent?: string;
}

/** The one path every input takes: parsed delivery → validate → normalise → publish. */
export interface EventIntake {
  /**
   * Publishes every Key Vault event of the delivery on `vault-events` and resolves once all are
   * on the bus. A delivery with any invalid event publishes none of them (`invalid`, with
   * reasons naming fields, never values). Throws when the bus fails: the caller must not
   * acknowledge the delivery then (webhook 503, message abandoned, no checkpoint).
   *
   * De-duplication: the bus message id is the Event Grid event id, so the same event arriving
   * again — by another input, another ingress replica or a replay — inside the bus's
   * de-duplication window is dropped by the broker and counted in `duplicates`. Later repeats
   * still yield one replica version: discovery's task id derives from the object version.
   */
  accept(delivery: Delivery, context: IntakeContext): Promise<IntakeOutcome>;
}

export function createEventIntake(options: {
  readonly publisher: Publisher;
  readonly logger?: Logger;
}): EventIntake {
  const log = options.logger ?? silentLogger;
  return {
    async accept(delivery, context) {
      if (delivery.kind === 'invalid') {
        recordIngressEvent(context.input, 'rejected');
        return { kind: 'invalid', reasons: [delivery.reason] };
      }
      if (delivery.kind === 'eventgrid-validation') return delivery;
      const results = delivery.events.map((event) => normaliseEvent(event, context.input));
      const invalid = results.flatMap((r) => (r.kind === 'invalid' ? [r.reason] : []));
      if (invalid.length > 0) {
        recordIngressEvent(context.input, 'rejected', results.length);
        return { kind: 'invalid', reasons: invalid };
      }
      let published = 0;
      let duplicates = 0;
      for (const result of results) {
        if (result.kind !== 'vault-event') continue;
        const event = result.event;
        const envelope = createEnvelope('akv.vault.event.v1', event, {
          id: event.eventId,
          source: INGRESS_SOURCE,
          subject: `${event.vault.name}/${event.objectKind}s/${event.objectName}`,
          ...(context.traceparent ? { traceparent: context.traceparent } : {}),
        });
        const receipt = await options.publisher.publish(TOPICS.vaultEvents, envelope);
        if (receipt.duplicate) duplicates++;
        else published++;
      }
      const ignored = results.length - published - duplicates;
      recordIngressEvent(context.input, 'accepted', published);
      recordIngressEvent(context.input, 'duplicate', duplicates);
      recordIngressEvent(context.input, 'filtered', ignored);
      log.debug('events taken in', {
        input: context.input,
        schema: delivery.schema,
        published,
        duplicates,
        ignored,
      });
      return { kind: 'accepted', published, duplicates, ignored };
    },
  };
}

/** A W3C traceparent, or undefined when the value is missing or malformed. */
export function traceparentOf(value: unknown): string | undefined {
  const single = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof single === 'string' &&
    /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(single)
    ? single
    : undefined;
}
