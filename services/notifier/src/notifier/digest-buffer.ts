import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@akv-replicator/core';
import type { Digest, ReportedOutcome } from './digest';

/** A resync digest is sent at the latest this many digest windows after its first outcome. */
export const DEFAULT_RESYNC_MAX_WINDOWS = 10;
/**
 * A digest is sent early once it holds this many outcomes, bounding memory (an outcome is
 * about 0.5 KB). High enough that a full resync of a large vault ends up in one or two
 * messages; the messages themselves list only the worst few and count the rest.
 */
export const DEFAULT_MAX_DIGEST_OUTCOMES = 5_000;

export interface DigestBufferOptions {
  /** `notifications.digestWindowSeconds` in ms; 0 sends every outcome on its own at once. */
  readonly windowMs: number;
  readonly clock: Clock;
  /** Called with each closed digest; must not throw (the notifier catches and logs). */
  readonly onDigest: (digest: Digest) => void;
  readonly resyncMaxWindows?: number;
  readonly maxOutcomes?: number;
}

interface OpenGroup {
  readonly id: string;
  readonly kind: 'resync' | 'window';
  readonly resyncId?: string;
  readonly items: ReportedOutcome[];
  readonly openedAt: number;
  lastAt: number;
  timer: TimerHandle;
}

/**
 * Groups outcomes into digests.
 *
 * - Outcomes of one resync (`trigger.kind === 'resync'`, same `trigger.id`) form one digest,
 *   sent when the resync has been quiet for one window (it has no "finished" marker), and at
 *   the latest `resyncMaxWindows` windows after its first outcome.
 * - Every other outcome joins the current window digest, sent one window after its first
 *   outcome.
 */
export class DigestBuffer {
  readonly #options: Required<DigestBufferOptions>;
  readonly #groups = new Map<string, OpenGroup>();

  constructor(options: DigestBufferOptions) {
    if (!Number.isFinite(options.windowMs) || options.windowMs < 0) {
      throw new RangeError(`windowMs must be a non-negative number (got ${options.windowMs})`);
    }
    this.#options = {
      resyncMaxWindows: DEFAULT_RESYNC_MAX_WINDOWS,
      maxOutcomes: DEFAULT_MAX_DIGEST_OUTCOMES,
      ...options,
    };
  }

  add(item: ReportedOutcome): void {
    const { windowMs, clock } = this.#options;
    const now = clock.now();
    if (windowMs === 0) {
      const at = new Date(now).toISOString();
      this.#options.onDigest({
        id: randomUUID(),
        kind: 'single',
        items: [item],
        openedAt: at,
        closedAt: at,
      });
      return;
    }
    const trigger = item.outcome.trigger;
    const resyncId = trigger?.kind === 'resync' ? trigger.id : undefined;
    const key = resyncId !== undefined ? `resync:${resyncId}` : 'window';
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        id: randomUUID(),
        kind: resyncId !== undefined ? 'resync' : 'window',
        ...(resyncId !== undefined ? { resyncId } : {}),
        items: [],
        openedAt: now,
        lastAt: now,
        timer: clock.setTimeout(() => this.#close(key), windowMs),
      };
      this.#groups.set(key, group);
    }
    group.items.push(item);
    group.lastAt = now;
    if (group.items.length >= this.#options.maxOutcomes) {
      this.#close(key);
      return;
    }
    if (group.kind === 'resync') {
      // Quiet period: push the deadline out, but never past the cap.
      clock.clearTimeout(group.timer);
      const cap = group.openedAt + windowMs * this.#options.resyncMaxWindows;
      group.timer = clock.setTimeout(() => this.#close(key), Math.min(now + windowMs, cap) - now);
    }
  }

  /** Closes every open digest now (used on shutdown and by tests). */
  flushAll(): void {
    for (const key of [...this.#groups.keys()]) this.#close(key);
  }

  /** How many digests are collecting outcomes. */
  get openDigests(): number {
    return this.#groups.size;
  }

  #close(key: string): void {
    const group = this.#groups.get(key);
    if (!group) return;
    this.#groups.delete(key);
    this.#options.clock.clearTimeout(group.timer);
    this.#options.onDigest({
      id: group.id,
      kind: group.kind,
      ...(group.resyncId !== undefined ? { resyncId: group.resyncId } : {}),
      items: group.items,
      openedAt: new Date(group.openedAt).toISOString(),
      closedAt: new Date(group.lastAt).toISOString(),
    });
  }
}
