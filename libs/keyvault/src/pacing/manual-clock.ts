import type { Clock } from './clock';

/**
 * A clock that only moves when told to; `sleep` resolves when `advance` passes its deadline.
 * Exported for tests of anything paced or scheduled.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ until: this.current + ms, resolve });
    });
  }

  /** Moves time forward, waking sleepers in deadline order and letting their work run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      if (!next || next.until > target) break;
      this.sleepers.shift();
      this.current = Math.max(this.current, next.until);
      next.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.current = target;
  }

  /** Sleepers waiting right now (lets tests wait until work is blocked on the clock). */
  get waiting(): number {
    return this.sleepers.length;
  }
}
