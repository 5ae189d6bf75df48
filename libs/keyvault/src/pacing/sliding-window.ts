/**
 * Admits at most `limit` events in any `windowMs`, the way Key Vault counts its limits.
 * Keeps the admitted timestamps in a ring, so each admission is O(1).
 */
export class SlidingWindow {
  private readonly stamps: number[];
  private head = 0;
  private size = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer (got ${limit})`);
    this.stamps = new Array<number>(limit);
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
    if (this.size === this.limit) throw new Error('window full: wait before admitting');
    this.stamps[(this.head + this.size) % this.limit] = now;
    this.size++;
  }

  private expire(now: number): void {
    while (this.size > 0 && this.stamps[this.head]! + this.windowMs <= now) {
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
  }
}
