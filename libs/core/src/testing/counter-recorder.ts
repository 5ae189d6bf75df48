import { createNoopMeter, type Attributes, type MeterProvider } from '@opentelemetry/api';

/**
 * A meter provider for tests that sums every counter `add` by metric name and attributes, as a
 * scrape would: set it as the global provider (`metrics.setGlobalMeterProvider`) in a test file
 * that runs in its own process, then read what the code under test counted.
 */
export class CounterRecorder {
  readonly #totals = new Map<string, number>();

  readonly provider: MeterProvider = {
    getMeter: () =>
      Object.assign(createNoopMeter(), {
        createCounter: (name: string) => ({
          add: (value: number, attributes?: Attributes) => {
            const key = CounterRecorder.series(name, attributes);
            this.#totals.set(key, (this.#totals.get(key) ?? 0) + value);
          },
        }),
      }),
  };

  /** The key of one series: the metric name and its attributes in a stable order. */
  static series(name: string, attributes: Attributes = {}): string {
    return `${name} ${JSON.stringify(Object.entries(attributes).sort())}`;
  }

  /** The total of one series so far (0 when it never moved). */
  total(name: string, attributes: Attributes = {}): number {
    return this.#totals.get(CounterRecorder.series(name, attributes)) ?? 0;
  }

  /** Every series' total now, to compare against later with `moved`. */
  snapshot(): Map<string, number> {
    return new Map(this.#totals);
  }

  /** Every series that moved since `before`, by series key, with how much. */
  moved(before: ReadonlyMap<string, number>): Record<string, number> {
    return Object.fromEntries(
      [...this.#totals].flatMap(([key, value]) =>
        value === (before.get(key) ?? 0) ? [] : [[key, value - (before.get(key) ?? 0)]],
      ),
    );
  }
}
