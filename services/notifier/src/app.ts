import type { Subscriber, Subscription } from '@akv-replicator/bus';
import {
  NOTIFICATION_DELIVERY_RETRY,
  SUBSCRIPTIONS,
  systemClock,
  TOPICS,
  type Clock,
  type Config,
  type Logger,
  type RetryPolicy,
  type SecretSource,
  type ServiceApp,
} from '@akv-replicator/core';
import { buildChannels, type ChannelEnvironment } from './channels/build-channels';
import type { FetchLike } from './channels/http-post';
import { MemoryDeadLetterStore, type DeadLetterStore } from './notifier/dead-letter';
import { Notifier } from './notifier/notifier';
import { outcomeHandler } from './handlers/outcome-handler';

/** What the notifier is handed by whoever starts it (the CLI opens the bus once for every service). */
export interface NotifierDeps {
  readonly secretSource: SecretSource;
  readonly logger: Logger;
  /**
   * Where outcomes come from; used and left open (the caller owns it). `null`: no bus, outcomes
   * are fed to `app.notifier` directly (tests of the channels).
   */
  readonly bus: Subscriber | null;
  readonly clock?: Clock;
  /** Where undeliverable notifications go; default an in-memory store. */
  readonly deadLetters?: DeadLetterStore;
  /** Delivery retries per message; default NOTIFICATION_DELIVERY_RETRY (5 attempts, 1–60 s). */
  readonly retry?: RetryPolicy;
  readonly fetch?: FetchLike;
  readonly telegramApiBaseUrl?: string;
  readonly smtpTls?: ChannelEnvironment['smtpTls'];
  readonly httpTimeoutMs?: number;
  readonly smtpTimeoutMs?: number;
}

/** The notifier service: start resolves channels and begins taking outcomes; stop drains. */
export interface NotifierApp extends ServiceApp {
  /** The running notifier (undefined before start or when notifications are disabled). */
  readonly notifier: Notifier | undefined;
  readonly deadLetters: DeadLetterStore;
}

/**
 * The composition root: the only place channels, clock and stores are chosen. Invalid
 * settings or unresolvable secret references fail `start()` with the key path.
 */
export function createNotifierApp(config: Config, deps: NotifierDeps): NotifierApp {
  const clock = deps.clock ?? systemClock;
  const deadLetters = deps.deadLetters ?? new MemoryDeadLetterStore();
  const retry = deps.retry ?? NOTIFICATION_DELIVERY_RETRY;
  let notifier: Notifier | undefined;
  let subscription: Subscription | undefined;
  let started = false;

  return {
    get notifier() {
      return notifier;
    },
    deadLetters,
    async start() {
      if (started) return;
      started = true;
      const settings = config.notifications;
      if (!settings.enabled) {
        deps.logger.info(
          'notifications are disabled (notifications.enabled: false); nothing to do',
        );
        return;
      }
      const channels = await buildChannels(settings, {
        secretSource: deps.secretSource,
        clock,
        fetch: deps.fetch,
        telegramApiBaseUrl: deps.telegramApiBaseUrl,
        smtpTls: deps.smtpTls,
        httpTimeoutMs: deps.httpTimeoutMs,
        smtpTimeoutMs: deps.smtpTimeoutMs,
      });
      if (settings.webhook?.enabled && settings.webhook.signingSecret === undefined) {
        deps.logger.warn(
          'notifications.webhook has no signingSecret: receivers cannot tell our requests from forged ones',
        );
      }
      if (channels.length === 0) {
        deps.logger.warn('notifications are enabled but no channel is configured and enabled');
      }
      notifier = new Notifier({
        channels,
        digestWindowSeconds: settings.digestWindowSeconds,
        dedupeWindowSeconds: settings.dedupeWindowSeconds,
        retry,
        clock,
        logger: deps.logger,
        deadLetters,
      });
      if (deps.bus) {
        subscription = await deps.bus.subscribe(
          TOPICS.outcomes,
          { subscription: SUBSCRIPTIONS.notifier, maxDeliveries: config.bus.maxDeliveries },
          outcomeHandler(notifier),
        );
      }
      deps.logger.info('notifier started', {
        channels: channels.map((binding) => binding.channel.name).join(','),
        digestWindowSeconds: settings.digestWindowSeconds,
        dedupeWindowSeconds: settings.dedupeWindowSeconds,
      });
    },
    async stop() {
      // Stop taking outcomes first (in-flight handlers finish), then send what is buffered.
      await subscription?.close();
      await notifier?.stop();
    },
  };
}
