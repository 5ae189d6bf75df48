import { DeliveryError, isRetryableHttpStatus, type ChannelName } from '../errors';
import { describeCause } from '../redact';

/** How long one HTTP delivery may take before it is abandoned (and retried). */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
// Enough of a peer's error body to say why (Slack's "invalid_blocks", Telegram's description).
const MAX_ERROR_BODY_CHARS = 300;

/** The subset of `fetch` the channels use; injectable, defaulting to Node's global fetch. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpPostOptions {
  readonly channel: ChannelName;
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetch: FetchLike;
  /** Removes the channel's secrets from any text that ends up in an error. */
  readonly redact: (text: string) => string;
  readonly signal?: AbortSignal | undefined;
}

/** The peer's answer to a successful POST. */
export interface HttpPostResult {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs a JSON body with a timeout. 2xx resolves; anything else throws a DeliveryError that
 * names the channel and status and quotes the start of the peer's answer — never the URL,
 * which for webhooks and bots is itself the credential.
 */
export async function postJson(options: HttpPostOptions): Promise<HttpPostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: options.body,
      signal,
      // A redirect would replay the payload to another host: refuse it (permanent failure).
      redirect: 'manual',
    });
  } catch (cause) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : 'request failed';
    throw new DeliveryError(
      options.channel,
      `${reason} (${options.redact(describeCause(cause))})`,
      {
        retryable: true,
      },
    );
  }
  const body = await response.text().catch(() => '');
  if (response.ok) return { status: response.status, body };
  throw new DeliveryError(
    options.channel,
    `HTTP ${response.status}${body ? `: ${options.redact(body.slice(0, MAX_ERROR_BODY_CHARS))}` : ''}`,
    {
      retryable: isRetryableHttpStatus(response.status),
      status: response.status,
      ...retryAfter(response.headers.get('retry-after')),
    },
  );
}

/** Parses HTTP Retry-After (seconds or an HTTP date) into `retryAfterMs`. */
export function retryAfter(header: string | null, now = Date.now()): { retryAfterMs?: number } {
  if (header === null || header.trim() === '') return {};
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const date = Date.parse(header);
  return Number.isNaN(date) ? {} : { retryAfterMs: Math.max(0, date - now) };
}
