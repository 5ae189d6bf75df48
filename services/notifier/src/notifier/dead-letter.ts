import type { ChannelName } from '../errors';
import type { Digest } from './digest';

/** A notification that could not be delivered, kept so an operator can see what was lost. */
export interface DeadLetterEntry {
  readonly channel: ChannelName;
  readonly digestId: string;
  /** Why delivery gave up: the last error (secrets removed) and whether retries ran out. */
  readonly reason: string;
  readonly attempts: number;
  readonly at: string;
  /** The undelivered digest: outcomes only, which carry no secret values. */
  readonly digest: Digest;
}

/** Where undeliverable notifications go. */
export interface DeadLetterStore {
  record(entry: DeadLetterEntry): Promise<void>;
}

/** Keeps dead letters in memory, newest last, up to `capacity` (oldest dropped first). */
export class MemoryDeadLetterStore implements DeadLetterStore {
  readonly #entries: DeadLetterEntry[] = [];
  readonly #capacity: number;

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  record(entry: DeadLetterEntry): Promise<void> {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.shift();
    return Promise.resolve();
  }

  /** The recorded entries, oldest first. */
  get entries(): readonly DeadLetterEntry[] {
    return [...this.#entries];
  }
}
