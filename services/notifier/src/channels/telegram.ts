import { DeliveryError } from '../errors';
import { createRedactor, urlSecrets } from '../redact';
import { describeDigest, type OutcomeView } from '../render/describe';
import type { Digest } from '../notifier/digest';
import type { Channel } from './channel';
import { postJson, type FetchLike } from './http-post';

/** The public Bot API; configurable so tests (and API proxies) can point elsewhere. */
export const DEFAULT_TELEGRAM_API_BASE_URL = 'https://api.telegram.org';
/** Telegram's limit on a message's text after entity parsing; we stay under it before. */
const MAX_TEXT_CHARS = 4000;
const STATUS_ICON = { success: '✅', warning: '⚠️', failure: '🚨' } as const;

export interface TelegramChannelOptions {
  /** Bot token: a credential, part of the request path. */
  readonly botToken: string;
  readonly chatId: string;
  readonly apiBaseUrl: string;
  readonly timeoutMs: number;
  readonly fetch: FetchLike;
}

/** Telegram Bot API `sendMessage` with `parse_mode: "HTML"`. */
export function telegramChannel(options: TelegramChannelOptions): Channel {
  const url = `${options.apiBaseUrl.replace(/\/+$/, '')}/bot${options.botToken}/sendMessage`;
  const redact = createRedactor([options.botToken, ...urlSecrets(url)]);
  return {
    name: 'telegram',
    async send(digest: Digest, signal?: AbortSignal) {
      try {
        const result = await postJson({
          channel: 'telegram',
          url,
          body: JSON.stringify(telegramPayload(digest, options.chatId)),
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
          redact,
          signal,
        });
        const answer = parseAnswer(result.body);
        if (answer?.ok !== true) {
          throw new DeliveryError(
            'telegram',
            `Bot API answered ok=false: ${redact(answer?.description ?? 'no description')}`,
            {
              retryable: false,
              status: result.status,
            },
          );
        }
      } catch (error) {
        throw withRetryAfter(error);
      }
    },
  };
}

/** The `sendMessage` parameters: chat, HTML text, no link previews. */
export function telegramPayload(digest: Digest, chatId: string): Record<string, unknown> {
  return {
    chat_id: chatId,
    text: telegramText(digest),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
}

/** The message text in Telegram's HTML subset, cut at whole outcomes to fit the limit. */
export function telegramText(digest: Digest): string {
  const view = describeDigest(digest);
  let text = `${STATUS_ICON[view.status]} <b>${escapeHtml(view.title)}</b>\n<i>${escapeHtml(view.summary)}</i>`;
  let listed = 0;
  for (const item of view.items) {
    const block = `\n\n${outcomeHtml(item)}`;
    if (text.length + block.length > MAX_TEXT_CHARS - 100) break;
    text += block;
    listed += 1;
  }
  const omitted = digest.items.length - listed;
  if (omitted > 0) text += `\n\n…and ${omitted} more not listed here.`;
  return text;
}

function outcomeHtml(item: OutcomeView): string {
  const lines = [`${STATUS_ICON[item.status]} <b>${escapeHtml(item.headline)}</b>`];
  if (item.why) lines.push(`<b>Why:</b> ${escapeHtml(item.why)}`);
  if (item.next) lines.push(`<b>Next step:</b> ${escapeHtml(item.next)}`);
  for (const [label, value] of item.facts)
    lines.push(`${escapeHtml(label)}: <code>${escapeHtml(value)}</code>`);
  return lines.join('\n');
}

/** Telegram's HTML mode needs `&`, `<` and `>` as entities (and `"` inside attributes). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

interface BotApiAnswer {
  ok?: boolean;
  description?: string;
  parameters?: { retry_after?: number };
}

function parseAnswer(body: string): BotApiAnswer | undefined {
  try {
    return JSON.parse(body) as BotApiAnswer;
  } catch {
    return undefined;
  }
}

// Telegram puts its flood-control wait in the JSON body (`parameters.retry_after`), not in a
// Retry-After header; lift it onto the error so the backoff honours it.
function withRetryAfter(error: unknown): unknown {
  if (!(error instanceof DeliveryError) || error.status !== 429 || error.retryAfterMs !== undefined)
    return error;
  const seconds = /"retry_after"\s*:\s*(\d+)/.exec(error.message)?.[1];
  if (seconds === undefined) return error;
  return new DeliveryError('telegram', error.message.replace(/^telegram: /, ''), {
    retryable: true,
    status: 429,
    retryAfterMs: Number(seconds) * 1000,
    cause: error,
  });
}
