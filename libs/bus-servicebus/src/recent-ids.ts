/**
 * Envelope ids this process published within the duplicate-detection window. Service Bus drops a
 * duplicate without telling the sender, so the publish receipt's `duplicate` flag can only be
 * this process's own knowledge; a duplicate from another process is still dropped by the broker,
 * but reported as `duplicate: false`.
 */
export class RecentIds {
  // Insertion-ordered with one window for all, so the oldest entries come first.
  readonly #expiries = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `id`; true when it was already recorded inside the window. */
  seen(id: string): boolean {
    const now = this.now();
    for (const [oldest, expiry] of this.#expiries) {
      if (expiry > now) break;
      this.#expiries.delete(oldest);
    }
    const known = this.#expiries.has(id);
    if (!known) this.#expiries.set(id, now + this.windowMs);
    return known;
  }
}
