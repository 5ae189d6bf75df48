import { createRedactor, urlSecrets } from '../redact';
import { describeDigest, type DigestView, type OutcomeView } from '../render/describe';
import type { Digest } from '../notifier/digest';
import type { Channel } from './channel';
import { postJson, type FetchLike } from './http-post';

// Slack limits: header text 150 chars, section text 3000 chars, 50 blocks per message.
const MAX_HEADER_CHARS = 150;
const MAX_SECTION_CHARS = 3000;
const MAX_LISTED = 20;
const STATUS_EMOJI = {
  success: ':white_check_mark:',
  warning: ':warning:',
  failure: ':rotating_light:',
} as const;

export interface SlackChannelOptions {
  /** The incoming webhook URL (a credential: never logged). */
  readonly webhookUrl: string;
  /** Channel override, honoured by legacy webhooks only. */
  readonly channel?: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: FetchLike;
}

/** Slack incoming webhook with Block Kit blocks and a plain `text` fallback for notifications. */
export function slackChannel(options: SlackChannelOptions): Channel {
  const redact = createRedactor(urlSecrets(options.webhookUrl));
  return {
    name: 'slack',
    async send(digest: Digest, signal?: AbortSignal) {
      await postJson({
        channel: 'slack',
        url: options.webhookUrl,
        body: JSON.stringify(slackPayload(digest, options.channel)),
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        redact,
        signal,
      });
    },
  };
}

/** Builds the webhook payload: header, summary, then a section and context per outcome. */
export function slackPayload(digest: Digest, channel?: string): Record<string, unknown> {
  const view = describeDigest(digest, MAX_LISTED);
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(view.title, MAX_HEADER_CHARS), emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${STATUS_EMOJI[view.status]} ${escapeMrkdwn(view.summary)}` },
    },
    { type: 'divider' },
  ];
  for (const item of view.items) blocks.push(...outcomeBlocks(item));
  if (view.omitted > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${view.omitted} more not listed here.` }],
    });
  }
  return {
    text: fallbackText(view),
    ...(channel ? { channel } : {}),
    blocks,
  };
}

function outcomeBlocks(item: OutcomeView): unknown[] {
  const lines = [`${STATUS_EMOJI[item.status]} *${escapeMrkdwn(item.headline)}*`];
  if (item.why) lines.push(`*Why:* ${escapeMrkdwn(item.why)}`);
  if (item.next) lines.push(`*Next step:* ${escapeMrkdwn(item.next)}`);
  const details = item.facts
    .map(([label, value]) => `*${label}:* ${escapeMrkdwn(value)}`)
    .join('  ·  ');
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.join('\n'), MAX_SECTION_CHARS) },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(details, MAX_SECTION_CHARS) }] },
  ];
}

function fallbackText(view: DigestView): string {
  return truncate(
    `${view.title}${view.items[0]?.why ? ` — ${view.items[0].why}` : ''}`,
    MAX_SECTION_CHARS,
  );
}

/** Slack's mrkdwn needs only `&`, `<` and `>` escaped; anything else is shown as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
