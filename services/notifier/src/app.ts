import {
  connectNatsBus,
  createMemoryBus,
  type Bus,
  type Subscriber,
  type Subscription,
} from '@akv-replicator/bus';
import {
  ReplicatorError,
  resolveSecretRef,
  TOPICS,
  type Config,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import { systemClock, type Clock } from './clock';
import { buildChannels, type ChannelEnvironment } from './channels/build-channels';
import type { FetchLike } from './channels/http-post';
import { MemoryDeadLetterStore, type DeadLetterStore } from './notifier/dead-letter';
import { retryPolicy, type RetryPolicy } from './notifier/delivery';
import { Notifier } from './notifier/notifier';
import { NOTIFIER_SUBSCRIPTION, outcomeHandler } from './handlers/outcome-handler';

/** What the notifier service needs from its surroundings; main.ts supplies the real ones. */
export interface AppDeps {
  readonly secretSource: SecretSource;
  readonly logger: Logger;
  /**
   * Where outcomes come from. A bus given here is used and left open (embedded mode: one
   * process, one shared bus). `null`: no bus, outcomes are fed to `app.notifier` directly.
   * Omitted: the transport named by `config.bus` is opened at start and closed at stop.
   */
  readonly bus?: Subscriber | null;
  readonly clock?: Clock;
  /** Where undeliverable notifications go; default an in-memory store. */
  readonly deadLetters?: DeadLetterStore;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: FetchLike;
  readonly telegramApiBaseUrl?: string;
  readonly smtpTls?: ChannelEnvironment['smtpTls'];
  readonly httpTimeoutMs?: number;
  readonly smtpTimeoutMs?: number;
}

/** The notifier service: start resolves channels and begins taking outcomes; stop drains. */
export interface App {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The running notifier (undefined before start or when notifications are disabled). */
  readonly notifier: Notifier | undefined;
  readonly deadLetters: DeadLetterStore;
}

/**
 * The composition root: the only place channels, clock and stores are chosen. Invalid
 * settings or unresolvable secret references fail `start()` with the key path.
 */
export function createApp(config: Config, deps: AppDeps): App {
  const clock = deps.clock ?? systemClock();
  const deadLetters = deps.deadLetters ?? new MemoryDeadLetterStore();
  const retry = retryPolicy(deps.retry);
  let notifier: Notifier | undefined;
  let subscription: Subscription | undefined;
  let ownBus: Bus | undefined;
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
      let bus = deps.bus;
      if (bus === undefined) {
        ownBus = await openBus(config, deps);
        bus = ownBus;
      }
      if (bus) {
        subscription = await bus.subscribe(
          TOPICS.outcomes,
          { subscription: NOTIFIER_SUBSCRIPTION, maxDeliveries: config.bus.maxDeliveries },
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
      await ownBus?.close();
    },
  };
}

// The transports this build can open on its own; Service Bus comes from
// @akv-replicator/bus-servicebus once it exports a bus.
async function openBus(config: Config, deps: AppDeps): Promise<Bus> {
  const settings = config.bus;
  switch (settings.transport) {
    case 'memory':
      deps.logger.warn(
        'bus.transport memory: a standalone notifier only sees outcomes published in its own process',
      );
      return createMemoryBus();
    case 'nats': {
      const nats = settings.nats!;
      const token = nats.token
        ? await resolveSecretRef(nats.token, 'bus.nats.token', deps.secretSource)
        : undefined;
      const creds = nats.credentialsFile
        ? await resolveSecretRef(
            nats.credentialsFile,
            'bus.nats.credentialsFile',
            deps.secretSource,
          )
        : undefined;
      return connectNatsBus({
        servers: nats.servers,
        prefix: nats.prefix,
        name: 'akv-replicator-notifier',
        ...(token !== undefined ? { token } : {}),
        ...(creds !== undefined ? { credentials: new TextEncoder().encode(creds) } : {}),
      });
    }
    default:
      throw new ReplicatorError(
        `bus.transport: ${settings.transport} is not available to the notifier yet (use nats or memory)`,
        { code: 'ConfigInvalid', fields: { keyPath: 'bus.transport' } },
      );
  }
}
