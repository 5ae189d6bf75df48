/**
 * Admits at most `limit` events in any `windowMs`, the way Key Vault counts its limits.
 * Keeps only the timestamps still inside the window (a queue compacted as it drains), so memory
 * follows the actual rate, not the limit.
 *
 * An event holds its slot from admission (`hold`) until it is stamped (`settle`): Key Vault counts
 * a request somewhere between its send and its response, and however late the process gets to
 * send it (a loaded event loop, the SDK's own policies), stamping it at the response means its
 * slot is reused only a full window after Key Vault can have counted it.
 */
export class SlidingWindow {
  private stamps: number[] = [];
  private head = 0;
  private held = 0;

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
    // Every slot held: none frees before a full window after the first of them settles.
    if (this.head === this.stamps.length) return this.windowMs;
    return this.stamps[this.head]! + this.windowMs - now;
  }

  /** Takes a slot for an event stamped later by `settle`; call only after `waitMs(now) === 0`. */
  hold(now: number): void {
    if (this.waitMs(now) > 0) throw new Error('window full: wait before admitting');
    this.held++;
  }

  /** Stamps one held slot at `now`: it leaves the window `windowMs` later. */
  settle(now: number): void {
    if (this.held === 0) throw new Error('no held slot to settle');
    this.held--;
    this.stamp(now);
  }

  /**
   * Counts an event that happened at `now` without being admitted (a request the SDK sent on
   * its own); the window may be over its limit until it leaves, and admits nothing meanwhile.
   */
  record(now: number): void {
    this.expire(now);
    this.stamp(now);
  }

  private stamp(now: number): void {
    // A wall clock can step back; expiry needs the queue sorted, and the later stamp is the safe one.
    this.stamps.push(Math.max(now, this.stamps.at(-1) ?? now));
  }

  private get size(): number {
    return this.stamps.length - this.head + this.held;
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
