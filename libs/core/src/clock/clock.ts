/** An opaque handle returned by {@link Clock.setTimeout}; only its clock can clear it. */
export type TimerHandle = { readonly id: number };

/**
 * The one source of time: reading it, waiting on it and scheduling on it. Everything paced,
 * retried, windowed or expiring takes a Clock, so tests drive time with a ManualClock
 * (`@akv-replicator/core/testing`) instead of sleeping. Milliseconds since the Unix epoch.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts, so a
   * stopping service does not sit out a backoff.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `callback` once after `delayMs` (background work: it never holds the process open). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a pending callback; clearing one that already ran (or another clock's) is a no-op. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * A sleep built on a clock's timers, abortable. Shared by the real and the manual clock so both
 * reject the same way: with `signal.reason`, before the timer fires, with the timer cleared.
 */
export function sleepOnTimers(
  timers: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
