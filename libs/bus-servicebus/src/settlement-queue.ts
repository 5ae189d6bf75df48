/**
 * Orders the settlements of one receiver link so that no two with different outcomes are ever
 * written in the same tick.
 *
 * Why: rhea 3.0.5 (the AMQP library under @azure/service-bus 7.9.x) writes the dispositions
 * queued in one tick as ranges, `first..last`, carrying the state of the range's FIRST delivery,
 * and compares outcomes only from a range's third delivery on (`write_dispositions` and
 * `are_outcomes_equivalent` in rhea/lib/session.js). A complete and an abandon or a dead-letter
 * of neighbouring deliveries therefore went out as one frame with one outcome: the abandoned
 * message was completed (lost), the dead-lettered one completed (lost, never in the DLQ), or
 * the completed one dead-lettered. No rhea or azure-sdk-for-js issue describing this was found
 * (searched "rhea disposition range", "settle multiple messages same tick"); the lane's
 * integration test `concurrent-settlement.int.test.ts` reproduces it through the SDK.
 *
 * How: each settlement has a batch key. Settlements with the same key produce the same AMQP
 * state, so they may be in flight together (rhea merging them is harmless, and completes, the
 * hot path, keep their throughput); a settlement without a key (a dead-letter: its reason is
 * part of its state) runs alone. A settlement starts only once every settlement of another key
 * issued before it has been confirmed by the broker (the SDK's promise settles on the broker's
 * disposition, so by then rhea has written the frame). Strict FIFO: a steady stream of
 * completes cannot starve a dead-letter waiting behind them.
 */
export class SettlementQueue {
  #active = 0;
  #activeKey: string | undefined;
  readonly #waiting: { readonly key: string | undefined; readonly start: () => void }[] = [];

  /** Settlements issued and not yet confirmed (running or waiting). */
  get pending(): number {
    return this.#active + this.#waiting.length;
  }

  /**
   * Runs `settle` once no settlement of another outcome is in flight.
   * @param key equal keys may share a tick (they write the same AMQP state); `undefined` = alone.
   */
  run<T>(key: string | undefined, settle: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#active++;
        this.#activeKey = key;
        let running: Promise<T>;
        try {
          running = settle();
        } catch (error) {
          running = Promise.reject(error);
        }
        void running.then(resolve, reject).finally(() => this.#finish());
      };
      if (this.#waiting.length === 0 && this.#canJoin(key)) start();
      else this.#waiting.push({ key, start });
    });
  }

  #canJoin(key: string | undefined): boolean {
    return this.#active === 0 || (key !== undefined && key === this.#activeKey);
  }

  #finish(): void {
    this.#active--;
    if (this.#active > 0) return;
    this.#activeKey = undefined;
    // The head, and every waiting settlement right behind it that shares its key.
    while (this.#waiting.length > 0 && this.#canJoin(this.#waiting[0]!.key)) {
      this.#waiting.shift()!.start();
    }
  }
}
