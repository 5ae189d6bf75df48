import {
  resolveSecretRef,
  type Clock,
  type NotificationsConfig,
  type SecretRef,
  type SecretSource,
} from '@akv-replicator/core';
import { compileChannelFilter, type ChannelFilterConfig } from '../notifier/outcome-filter';
import type { Channel, ChannelBinding } from './channel';
import { emailChannel, DEFAULT_SMTP_TIMEOUT_MS, type EmailChannelOptions } from './email';
import { DEFAULT_HTTP_TIMEOUT_MS, type FetchLike } from './http-post';
import { slackChannel } from './slack';
import { teamsChannel } from './teams';
import { DEFAULT_TELEGRAM_API_BASE_URL, telegramChannel } from './telegram';
import { webhookChannel } from './webhook';

/** What channels need besides configuration; every field has a production default. */
export interface ChannelEnvironment {
  readonly secretSource: SecretSource;
  readonly clock: Clock;
  readonly fetch?: FetchLike | undefined;
  /** Bot API base URL; default {@link DEFAULT_TELEGRAM_API_BASE_URL}. */
  readonly telegramApiBaseUrl?: string | undefined;
  /** Extra TLS settings for SMTP (e.g. a private CA). */
  readonly smtpTls?: EmailChannelOptions['tls'];
  readonly httpTimeoutMs?: number | undefined;
  readonly smtpTimeoutMs?: number | undefined;
}

/**
 * Resolves the secret references of every enabled channel and builds it with its filter.
 * Fails (with the key path and variable or file, never the value) when a reference does not
 * resolve, so a broken channel is found at start, not at the first failure.
 */
export async function buildChannels(
  config: NotificationsConfig,
  env: ChannelEnvironment,
): Promise<ChannelBinding[]> {
  const secret = (ref: SecretRef, keyPath: string): Promise<string> =>
    resolveSecretRef(ref, `notifications.${keyPath}`, env.secretSource);
  const fetchImpl: FetchLike = env.fetch ?? ((url, init) => fetch(url, init));
  const httpTimeoutMs = env.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const bindings: ChannelBinding[] = [];
  const bind = (channel: Channel, filter: ChannelFilterConfig): void => {
    bindings.push({ channel, accepts: compileChannelFilter(filter, config.events) });
  };

  const { slack, teams, telegram, email, webhook } = config;
  if (slack?.enabled) {
    const webhookUrl = await secret(slack.webhookUrl, 'slack.webhookUrl');
    bind(
      slackChannel({
        webhookUrl,
        channel: slack.channel,
        timeoutMs: httpTimeoutMs,
        fetch: fetchImpl,
      }),
      slack,
    );
  }
  if (teams?.enabled) {
    const webhookUrl = await secret(teams.webhookUrl, 'teams.webhookUrl');
    bind(teamsChannel({ webhookUrl, timeoutMs: httpTimeoutMs, fetch: fetchImpl }), teams);
  }
  if (telegram?.enabled) {
    const botToken = await secret(telegram.botToken, 'telegram.botToken');
    const chatId =
      typeof telegram.chatId === 'string'
        ? telegram.chatId
        : await secret(telegram.chatId, 'telegram.chatId');
    const apiBaseUrl = env.telegramApiBaseUrl ?? DEFAULT_TELEGRAM_API_BASE_URL;
    bind(
      telegramChannel({ botToken, chatId, apiBaseUrl, timeoutMs: httpTimeoutMs, fetch: fetchImpl }),
      telegram,
    );
  }
  if (email?.enabled) {
    const password = email.smtpPassword
      ? await secret(email.smtpPassword, 'email.smtpPassword')
      : undefined;
    bind(
      emailChannel({
        host: email.smtpServer,
        port: email.smtpPort,
        security: email.security,
        user: email.smtpUser,
        password,
        from: email.from,
        to: email.to,
        timeoutMs: env.smtpTimeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS,
        tls: env.smtpTls,
      }),
      email,
    );
  }
  if (webhook?.enabled) {
    const url = await secret(webhook.url, 'webhook.url');
    const signingSecret = webhook.signingSecret
      ? await secret(webhook.signingSecret, 'webhook.signingSecret')
      : undefined;
    bind(
      webhookChannel({
        url,
        signingSecret,
        timeoutMs: httpTimeoutMs,
        fetch: fetchImpl,
        clock: env.clock,
      }),
      webhook,
    );
  }
  return bindings;
}
