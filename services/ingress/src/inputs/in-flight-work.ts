/**
 * The handler calls an input has started and not yet finished, so that stop() can let them
 * finish (publish, then checkpoint or settle) before it closes the client under them.
 */
export class InFlightWork {
  readonly #work = new Set<Promise<void>>();

  /** How many handler calls are still running. */
  get size(): number {
    return this.#work.size;
  }

  /** Counts the work as in flight until it settles; returns it (settling the same way). */
  track(work: Promise<void>): Promise<void> {
    this.#work.add(work);
    return work.finally(() => this.#work.delete(work));
  }

  /**
   * Resolves true once everything in flight now has settled, false when timeoutMs passes
   * first (the caller closes anyway; what was cut off is delivered again by the broker).
   */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.#work]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return drained;
  }
}
