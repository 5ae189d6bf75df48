import type { Channel } from '../channels/channel';
import type { Digest } from './digest';

/** Messages waiting for one channel before new ones are dead-lettered instead of queued. */
export const DEFAULT_MAX_QUEUED_MESSAGES = 100;

/**
 * Delivers one channel's messages one at a time, in order. Chat webhooks rate-limit per hook
 * (Slack about one message a second), and a person reads messages in arrival order, so
 * parallel posts to one channel only buy 429s and shuffled digests. The queue is bounded:
 * a channel that is down for long must not make the notifier hoard memory.
 */
export class ChannelQueue {
  readonly channel: Channel;
  readonly #deliver: (digest: Digest) => Promise<unknown>;
  readonly #onOverflow: (digest: Digest, waiting: number) => Promise<unknown>;
  readonly #maxQueued: number;
  readonly #waiting: Digest[] = [];
  #running: Promise<void> | undefined;

  constructor(options: {
    channel: Channel;
    deliver: (digest: Digest) => Promise<unknown>;
    onOverflow: (digest: Digest, waiting: number) => Promise<unknown>;
    maxQueued?: number;
  }) {
    this.channel = options.channel;
    this.#deliver = options.deliver;
    this.#onOverflow = options.onOverflow;
    this.#maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_MESSAGES;
  }

  /** Queues a message; returns a promise that settles when this queue is empty again. */
  push(digest: Digest): Promise<void> {
    if (this.#waiting.length >= this.#maxQueued) {
      return this.#onOverflow(digest, this.#waiting.length).then(() => undefined);
    }
    this.#waiting.push(digest);
    this.#running ??= this.#drain();
    return this.#running;
  }

  /** Messages not yet started. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async #drain(): Promise<void> {
    try {
      for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
        await this.#deliver(next);
      }
    } finally {
      this.#running = undefined;
    }
  }
}
