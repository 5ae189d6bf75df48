import { sleepOnTimers, type Clock, type TimerHandle } from '../clock/clock';

interface PendingTimer {
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when a test says so. Timers and sleeps fall due in order of due time
 * (ties in the order they were set), each one seeing `now()` at its own due time.
 *
 * - `advance(ms)` fires due timers synchronously: for callback-style code (digest windows) and
 *   code that only reads `now()` (the emulator's expiry and throttling windows).
 * - `advanceAsync(ms)` lets the event loop run after each one, so work woken by a `sleep` can
 *   schedule its next sleep before time moves on: for sleep-based loops (pacing, backoff).
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, PendingTimer>();

  /** Starts at `startMs` (default 0, the epoch: tests that need a calendar date pass one). */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(this, ms, signal);
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { dueAt: this.#now + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  /** Timers and sleeps waiting now (lets a test wait until work is blocked on the clock). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers (including ones they set) in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let next = this.#nextDue(target); next; next = this.#nextDue(target)) next();
    this.#now = Math.max(this.#now, target);
  }

  /** Like `advance`, but lets promise continuations and I/O callbacks run before each timer. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      // Yield first too: work just started (a failed attempt about to back off) gets to set
      // its timer before this looks for what falls due.
      await new Promise((resolve) => setImmediate(resolve));
      const next = this.#nextDue(target);
      if (!next) break;
      next();
    }
    this.#now = Math.max(this.#now, target);
  }

  /**
   * Jumps to an absolute time. Forward, it fires what falls due like `advance`; backward (a
   * wall clock stepped back) it fires nothing and pending timers keep their absolute due times.
   */
  set(ms: number): void {
    if (ms >= this.#now) this.advance(ms - this.#now);
    else this.#now = ms;
  }

  /** Removes the earliest timer due by `target`, moves time to it and returns its callback. */
  #nextDue(target: number): (() => void) | undefined {
    let earliest: [number, PendingTimer] | undefined;
    for (const entry of this.#timers) {
      if (entry[1].dueAt <= target && (!earliest || entry[1].dueAt < earliest[1].dueAt)) {
        earliest = entry;
      }
    }
    if (!earliest) return undefined;
    this.#timers.delete(earliest[0]);
    this.#now = Math.max(this.#now, earliest[1].dueAt);
    return earliest[1].callback;
  }
}
