import type { Clock, Logger, OutcomeData, RetryPolicy } from '@akv-replicator/core';
import type { ChannelBinding } from '../channels/channel';
import type { DeadLetterStore } from './dead-letter';
import { FailureDeduplicator } from './dedupe';
import { ChannelQueue } from './channel-queue';
import { deadLetter, deliver } from './delivery';
import { withItems, type Digest } from './digest';
import { DigestBuffer } from './digest-buffer';

export interface NotifierOptions {
  readonly channels: readonly ChannelBinding[];
  /** `notifications.digestWindowSeconds`. */
  readonly digestWindowSeconds: number;
  /** `notifications.dedupeWindowSeconds`. */
  readonly dedupeWindowSeconds: number;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deadLetters: DeadLetterStore;
  /** Randomness of retry jitter; injectable for reproducible tests. */
  readonly random?: () => number;
  /** Per channel; default DEFAULT_MAX_QUEUED_MESSAGES. */
  readonly maxQueuedPerChannel?: number;
}

/**
 * The notifier's core, independent of any bus: outcomes in, messages out.
 *
 * `handleOutcome` de-duplicates repeated failures and drops outcomes no channel wants, then
 * adds the rest to a digest. When a digest closes (timer on the injected clock) each channel
 * gets one message with the outcomes its filter accepts; delivery retries and dead-letters in
 * the background. `flush()` closes open digests now and waits for every delivery; `stop()`
 * flushes, then cancels retries still waiting (they are dead-lettered) and closes channels.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #dedupe: FailureDeduplicator;
  readonly #buffer: DigestBuffer;
  readonly #queues: { readonly queue: ChannelQueue; readonly binding: ChannelBinding }[];
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  #stopped = false;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#dedupe = new FailureDeduplicator(options.dedupeWindowSeconds * 1000, options.clock);
    this.#buffer = new DigestBuffer({
      windowMs: options.digestWindowSeconds * 1000,
      clock: options.clock,
      onDigest: (digest) => this.#dispatch(digest),
    });
    const deliverOptions = {
      policy: options.retry,
      clock: options.clock,
      logger: options.logger,
      deadLetters: options.deadLetters,
      signal: this.#abort.signal,
      ...(options.random ? { random: options.random } : {}),
    };
    this.#queues = options.channels.map((binding) => ({
      binding,
      queue: new ChannelQueue({
        channel: binding.channel,
        deliver: (digest) => deliver(binding.channel, digest, deliverOptions),
        onOverflow: (digest, waiting) =>
          deadLetter(
            binding.channel,
            digest,
            0,
            `${binding.channel.name}: ${waiting} messages already waiting for this channel; not queued`,
            deliverOptions,
          ),
        ...(options.maxQueuedPerChannel !== undefined
          ? { maxQueued: options.maxQueuedPerChannel }
          : {}),
      }),
    }));
  }

  /**
   * Takes one outcome. Resolves once it is buffered (or dropped), not when it is delivered:
   * delivery waits for the digest window. Rejects only after `stop()`.
   */
  handleOutcome(outcome: OutcomeData): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('notifier is stopped'));
    const decision = this.#dedupe.check(outcome);
    if (!decision.report) {
      this.#options.logger.info('repeated outcome held back', outcomeFields(outcome));
      return Promise.resolve();
    }
    if (!this.#options.channels.some((binding) => binding.accepts(outcome))) {
      return Promise.resolve();
    }
    this.#buffer.add({ outcome, suppressedRepeats: decision.suppressedRepeats });
    return Promise.resolve();
  }

  /** Sends every open digest now and waits until all deliveries have finished. */
  async flush(): Promise<void> {
    this.#buffer.flushAll();
    await this.idle();
  }

  /** Waits until no delivery is running (new ones started meanwhile included). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** How many digests are collecting outcomes. */
  get openDigests(): number {
    return this.#buffer.openDigests;
  }

  /** Messages waiting for their turn, by channel. */
  queuedMessages(): Record<string, number> {
    return Object.fromEntries(this.#queues.map(({ queue }) => [queue.channel.name, queue.waiting]));
  }

  /** Flushes, gives deliveries `graceMs` (wall time) to finish, then aborts the rest and closes channels. Idempotent. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#stopped) return this.idle();
    this.#stopped = true;
    this.#buffer.flushAll();
    // Wall time on purpose: shutdown must end even when the injected clock stands still.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.#abort.abort(new Error('notifier stopped'));
    await this.idle();
    await Promise.allSettled(
      this.#options.channels.map((binding) => binding.channel.close?.() ?? Promise.resolve()),
    );
  }

  #dispatch(digest: Digest): void {
    for (const { binding, queue } of this.#queues) {
      const items = digest.items.filter((item) => binding.accepts(item.outcome));
      if (items.length === 0) continue;
      const delivery = queue.push(withItems(digest, items));
      this.#inFlight.add(delivery);
      void delivery.finally(() => this.#inFlight.delete(delivery));
    }
  }
}

function outcomeFields(outcome: OutcomeData): Record<string, string | undefined> {
  return {
    outcomeId: outcome.outcomeId,
    status: outcome.status,
    link: outcome.link,
    vault: outcome.source?.name,
    replica: outcome.replica?.name,
    object: outcome.objectName,
    code: outcome.code,
  };
}
