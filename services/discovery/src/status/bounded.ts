/**
 * Bounded containers for the status board: its memory must not grow with the number of
 * objects in sync, nor with the number of outcomes it has heard.
 */

/** A map that forgets its least recently set entry beyond `capacity`. */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    // Re-inserting moves the key to the newest end: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

/** The last `capacity` numbers seen, with nearest-rank percentiles over them. */
export class SampleWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  add(value: number): void {
    if (this.samples.length < this.capacity) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  get count(): number {
    return this.samples.length;
  }

  percentiles(): { count: number; p50: number; p90: number; p99: number; max: number } | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
    return {
      count: sorted.length,
      p50: rank(0.5),
      p90: rank(0.9),
      p99: rank(0.99),
      max: sorted[sorted.length - 1]!,
    };
  }
}
