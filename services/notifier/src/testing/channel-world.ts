import {
  configSchema,
  exponentialBackoff,
  MemoryLogger,
  type ConfigInput,
  type SecretSource,
} from '@akv-replicator/core';
import { createNotifierApp, type NotifierApp, type NotifierDeps } from '../app';
import { ManualClock } from '@akv-replicator/core/testing';
import { MemoryDeadLetterStore } from '../notifier/dead-letter';
import { HttpReceiver, type CannedResponse } from './http-receiver';
import { selfSignedCert } from './self-signed-cert';
import { SmtpReceiver, type SmtpReceiverOptions } from './smtp-receiver';

/** Credentials of the test world: distinctive strings a leak check can search for. */
export const SECRETS = {
  slackPath: 'T0CANARY/B0CANARY/slackCanarySecret0001',
  teamsSig: 'teamsCanarySig0002',
  telegramToken: '123456789:AAtelegramCanaryToken0003',
  webhookPath: 'hooks/webhookCanaryPath0004',
  webhookSigningSecret: 'webhookCanarySigning0005',
  smtpPassword: 'smtpCanaryPassword0006',
} as const;

export const TELEGRAM_OK: CannedResponse = {
  status: 200,
  body: JSON.stringify({ ok: true, result: { message_id: 1 } }),
};

export interface ChannelWorldOptions {
  readonly notifications?: Partial<NonNullable<ConfigInput['notifications']>>;
  readonly smtp?: Partial<Pick<SmtpReceiverOptions, 'mode' | 'rejectWith' | 'password'>>;
  readonly deps?: Partial<NotifierDeps>;
}

/**
 * Every channel's real peer on loopback (four HTTP receivers, one SMTP server with TLS and
 * AUTH), a configuration pointing the notifier at them through secret references, and the
 * app built on a manual clock. `close()` stops everything.
 */
export async function startChannelWorld(options: ChannelWorldOptions = {}) {
  const cert = selfSignedCert();
  const slack = await HttpReceiver.start();
  const teams = await HttpReceiver.start([{ status: 202 }]);
  const telegram = await HttpReceiver.start([TELEGRAM_OK]);
  const webhook = await HttpReceiver.start([{ status: 204 }]);
  const smtpMode = options.smtp?.mode ?? 'starttls';
  const smtp = await SmtpReceiver.start({
    mode: smtpMode,
    cert,
    user: 'notifier',
    password: options.smtp?.password ?? SECRETS.smtpPassword,
    ...(options.smtp?.rejectWith ? { rejectWith: options.smtp.rejectWith } : {}),
  });
  const env: Record<string, string> = {
    SLACK_URL: `${slack.origin}/services/${SECRETS.slackPath}`,
    TEAMS_URL: `${teams.origin}/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=${SECRETS.teamsSig}`,
    TELEGRAM_TOKEN: SECRETS.telegramToken,
    WEBHOOK_URL: `${webhook.origin}/${SECRETS.webhookPath}`,
    WEBHOOK_SECRET: SECRETS.webhookSigningSecret,
    SMTP_PASSWORD: SECRETS.smtpPassword,
  };
  const secretSource: SecretSource = {
    env,
    readFile: () => Promise.reject(new Error('no files in tests')),
  };
  const config = configSchema.parse({
    notifications: {
      enabled: true,
      digestWindowSeconds: 60,
      dedupeWindowSeconds: 3600,
      slack: { webhookUrl: { fromEnv: 'SLACK_URL' }, channel: '#dr-alerts' },
      teams: { webhookUrl: { fromEnv: 'TEAMS_URL' } },
      telegram: { botToken: { fromEnv: 'TELEGRAM_TOKEN' }, chatId: '-1001234567890' },
      email: {
        smtpServer: '127.0.0.1',
        smtpPort: smtp.port,
        security: smtpMode,
        smtpUser: 'notifier',
        smtpPassword: { fromEnv: 'SMTP_PASSWORD' },
        from: 'akv-replicator@example.com',
        to: ['oncall@example.com'],
      },
      webhook: { url: { fromEnv: 'WEBHOOK_URL' }, signingSecret: { fromEnv: 'WEBHOOK_SECRET' } },
      ...options.notifications,
    },
  });
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const logger = new MemoryLogger();
  const deadLetters = new MemoryDeadLetterStore();
  const app: NotifierApp = createNotifierApp(config, {
    secretSource,
    logger,
    clock,
    deadLetters,
    telegramApiBaseUrl: telegram.origin,
    smtpTls: { ca: cert.cert },
    retry: exponentialBackoff({
      name: 'channelWorld',
      initialDelayMs: 5,
      maxDelayMs: 20,
      maxRetries: 2,
      jitter: 0.2,
    }),
    bus: null,
    httpTimeoutMs: 2_000,
    smtpTimeoutMs: 2_000,
    ...options.deps,
  });
  return {
    app,
    clock,
    logger,
    deadLetters,
    env,
    receivers: { slack, teams, telegram, webhook, smtp },
    async close(): Promise<void> {
      await app.stop();
      await Promise.all([
        slack.close(),
        teams.close(),
        telegram.close(),
        webhook.close(),
        smtp.close(),
      ]);
    },
  };
}
