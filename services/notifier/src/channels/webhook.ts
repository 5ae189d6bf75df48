import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, nextStep } from '@akv-replicator/core';
import { createRedactor, urlSecrets } from '../redact';
import { countByStatus, worstFirst, worstStatus, type Digest } from '../notifier/digest';
import type { Channel } from './channel';
import { postJson, type FetchLike } from './http-post';

/** HMAC-SHA256 of the raw body, `sha256=<hex>`. */
export const SIGNATURE_HEADER = 'x-akv-replicator-signature';
/** Unix seconds when this attempt was signed; equals the body's `timestamp`. */
export const TIMESTAMP_HEADER = 'x-akv-replicator-timestamp';
/** Same for every attempt of one delivery, so receivers can drop duplicates. */
export const DELIVERY_HEADER = 'x-akv-replicator-delivery';
/** How old a signed request a receiver should accept. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
/** Outcomes listed in one webhook request (failures first); `counts` and `omitted` cover the rest. */
export const MAX_WEBHOOK_OUTCOMES = 200;
/** `type` of the JSON document; bumped when its shape changes incompatibly. */
export const WEBHOOK_PAYLOAD_TYPE = 'akv.notification.v1';

export interface WebhookChannelOptions {
  readonly url: string;
  /** HMAC key; without it requests are unsigned. A credential: never logged. */
  readonly signingSecret?: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: FetchLike;
  readonly clock: Clock;
}

/**
 * A generic JSON webhook. The signature covers the raw body, and the body carries the
 * timestamp and delivery id, so a receiver that checks the signature and the timestamp's age
 * rejects replays (GitHub-style signing with Stripe-style freshness).
 */
export function webhookChannel(options: WebhookChannelOptions): Channel {
  const redact = createRedactor([...urlSecrets(options.url), options.signingSecret]);
  return {
    name: 'webhook',
    async send(digest: Digest, signal?: AbortSignal) {
      const timestamp = Math.floor(options.clock.now() / 1000);
      const deliveryId = `${digest.id}:webhook`;
      const body = JSON.stringify(webhookPayload(digest, { deliveryId, timestamp }));
      const headers: Record<string, string> = {
        [TIMESTAMP_HEADER]: String(timestamp),
        [DELIVERY_HEADER]: deliveryId,
      };
      if (options.signingSecret !== undefined) {
        headers[SIGNATURE_HEADER] = signBody(body, options.signingSecret);
      }
      await postJson({
        channel: 'webhook',
        url: options.url,
        body,
        headers,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        redact,
        signal,
      });
    },
  };
}

/** The JSON document: the digest's outcomes as published (they carry no secrets) plus advice. */
export function webhookPayload(
  digest: Digest,
  meta: { deliveryId: string; timestamp: number },
): Record<string, unknown> {
  return {
    type: WEBHOOK_PAYLOAD_TYPE,
    deliveryId: meta.deliveryId,
    timestamp: meta.timestamp,
    digest: {
      id: digest.id,
      kind: digest.kind,
      ...(digest.resyncId !== undefined ? { resyncId: digest.resyncId } : {}),
      status: worstStatus(digest.items),
      counts: countByStatus(digest.items),
      openedAt: digest.openedAt,
      closedAt: digest.closedAt,
      omitted: Math.max(0, digest.items.length - MAX_WEBHOOK_OUTCOMES),
      outcomes: worstFirst(digest.items)
        .slice(0, MAX_WEBHOOK_OUTCOMES)
        .map((item) => ({
          ...item.outcome,
          suppressedRepeats: item.suppressedRepeats,
          ...(nextStep(item.outcome) ? { nextStep: nextStep(item.outcome) } : {}),
        })),
    },
  };
}

/** `sha256=` + hex HMAC-SHA256 of `body` under `secret`. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type SignatureCheck =
  { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * For receivers: checks the signature over the raw body (constant time), that the timestamp
 * header matches the signed body and is within `toleranceSeconds` of `nowMs`.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  headers: { signature?: string | undefined; timestamp?: string | undefined },
  secret: string,
  options: { nowMs?: number; toleranceSeconds?: number } = {},
): SignatureCheck {
  if (!headers.signature || !headers.timestamp)
    return { valid: false, reason: 'missing signature or timestamp header' };
  const expected = Buffer.from(signBody(rawBody, secret));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { valid: false, reason: 'signature mismatch' };
  }
  let signedTimestamp: unknown;
  try {
    signedTimestamp = (JSON.parse(Buffer.from(rawBody).toString('utf8')) as { timestamp?: unknown })
      .timestamp;
  } catch {
    return { valid: false, reason: 'body is not JSON' };
  }
  if (String(signedTimestamp) !== headers.timestamp)
    return { valid: false, reason: 'timestamp header does not match the signed body' };
  const age = Math.abs((options.nowMs ?? Date.now()) / 1000 - Number(headers.timestamp));
  if (!(age <= (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS))) {
    return { valid: false, reason: `timestamp is ${Math.round(age)} s away from now` };
  }
  return { valid: true };
}
