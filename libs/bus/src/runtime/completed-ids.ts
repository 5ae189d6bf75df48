/**
 * Envelope ids a subscription has completed recently. An ack can be lost (broker restart,
 * connection drop) after the handler finished; the broker then redelivers, and this set lets
 * the consumer ack the redelivery without running the handler twice. It only covers the
 * consumer's own lifetime: across consumer restarts handlers must stay idempotent.
 */
export class CompletedIds {
  // Insertion-ordered, and every entry has the same window, so the oldest are first.
  readonly #expiries = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(id: string): void {
    const now = this.now();
    this.#expiries.delete(id);
    this.#expiries.set(id, now + this.windowMs);
    for (const [oldest, expiry] of this.#expiries) {
      if (expiry > now) break;
      this.#expiries.delete(oldest);
    }
  }

  has(id: string): boolean {
    const expiry = this.#expiries.get(id);
    return expiry !== undefined && expiry > this.now();
  }
}
