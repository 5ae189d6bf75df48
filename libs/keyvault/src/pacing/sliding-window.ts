/**
 * Admits at most `limit` events in any `windowMs`, the way Key Vault counts its limits.
 * Keeps only the timestamps still inside the window (a queue compacted as it drains), so memory
 * follows the actual rate, not the limit.
 */
export class SlidingWindow {
  private stamps: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer (got ${limit})`);
  }

  /** Milliseconds until an event may be admitted at `now` (0 = admit now). */
  waitMs(now: number): number {
    this.expire(now);
    if (this.size < this.limit) return 0;
    return this.stamps[this.head]! + this.windowMs - now;
  }

  /** Records an admitted event; call only after `waitMs(now) === 0`. */
  admit(now: number): void {
    this.expire(now);
    if (this.size >= this.limit) throw new Error('window full: wait before admitting');
    this.stamps.push(now);
  }

  private get size(): number {
    return this.stamps.length - this.head;
  }

  private expire(now: number): void {
    while (this.head < this.stamps.length && this.stamps[this.head]! + this.windowMs <= now)
      this.head++;
    // Compact once the dead prefix dominates, keeping admit and expire amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }
}
