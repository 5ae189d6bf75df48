import { createRedactor, urlSecrets } from '../redact';
import { describeDigest, type OutcomeView } from '../render/describe';
import type { Digest } from '../notifier/digest';
import type { Channel } from './channel';
import { postJson, type FetchLike } from './http-post';

/** Adaptive Card schema version: 1.4 renders in Teams desktop, web and mobile. */
export const ADAPTIVE_CARD_VERSION = '1.4';
const MAX_LISTED = 15;
/** Teams refuses messages over about 28 KB; the card stays under this, cutting whole outcomes. */
export const MAX_CARD_BYTES = 24_000;
const STATUS_COLOR = { success: 'Good', warning: 'Warning', failure: 'Attention' } as const;

export interface TeamsChannelOptions {
  /** The Workflows ("When a Teams webhook request is received") URL; a credential. */
  readonly webhookUrl: string;
  readonly timeoutMs: number;
  readonly fetch: FetchLike;
}

/**
 * Microsoft Teams through a Workflows webhook. Workflows accept Adaptive Cards only (not the
 * retired connector MessageCard), wrapped in a `message` with one attachment.
 */
export function teamsChannel(options: TeamsChannelOptions): Channel {
  const redact = createRedactor(urlSecrets(options.webhookUrl));
  return {
    name: 'teams',
    async send(digest: Digest, signal?: AbortSignal) {
      await postJson({
        channel: 'teams',
        url: options.webhookUrl,
        body: JSON.stringify(teamsPayload(digest)),
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        redact,
        signal,
      });
    },
  };
}

/** The Workflows payload: `{ type: "message", attachments: [Adaptive Card] }`. */
export function teamsPayload(digest: Digest): Record<string, unknown> {
  const view = describeDigest(digest, MAX_LISTED);
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: view.title,
      size: 'Large',
      weight: 'Bolder',
      color: STATUS_COLOR[view.status],
      wrap: true,
    },
    { type: 'TextBlock', text: view.summary, isSubtle: true, wrap: true },
  ];
  let size = Buffer.byteLength(JSON.stringify(body));
  let listed = 0;
  for (const item of view.items) {
    const container = outcomeContainer(item);
    const bytes = Buffer.byteLength(JSON.stringify(container)) + 1;
    if (size + bytes > MAX_CARD_BYTES) break;
    body.push(container);
    size += bytes;
    listed += 1;
  }
  const omitted = digest.items.length - listed;
  if (omitted > 0) {
    body.push({
      type: 'TextBlock',
      text: `…and ${omitted} more not listed here.`,
      isSubtle: true,
      wrap: true,
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          msteams: { width: 'Full' },
          body,
        },
      },
    ],
  };
}

function outcomeContainer(item: OutcomeView): unknown {
  const items: unknown[] = [
    {
      type: 'TextBlock',
      text: item.headline,
      weight: 'Bolder',
      color: STATUS_COLOR[item.status],
      wrap: true,
    },
  ];
  if (item.why) items.push({ type: 'TextBlock', text: `Why: ${item.why}`, wrap: true });
  if (item.next) items.push({ type: 'TextBlock', text: `Next step: ${item.next}`, wrap: true });
  items.push({ type: 'FactSet', facts: item.facts.map(([title, value]) => ({ title, value })) });
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}
