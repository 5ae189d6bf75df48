/** A counting semaphore: the concurrency bound of one consumer lane. */
export class Slots {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.#free = capacity;
  }

  get free(): number {
    return this.#free;
  }

  /** Takes a slot now if one is free. */
  tryAcquire(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }

  /** Resolves once a slot is taken. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free = Math.min(this.capacity, this.#free + 1);
  }
}
