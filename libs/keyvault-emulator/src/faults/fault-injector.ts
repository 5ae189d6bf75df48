import type { OfflineMode } from '../http/listening-server';

/** Which vaults a fault applies to: one vault by name, or all when omitted. */
export interface FaultScope {
  readonly vault?: string;
}

/** Injected HTTP errors: a fraction of requests answered with 500, 503 or 403 (ForbiddenByRbac). */
export interface ErrorRateFault extends FaultScope {
  /** 0..1 */
  readonly rate: number;
  readonly status?: 500 | 503 | 403;
}

interface ScopedValue<T> {
  readonly value: T;
  readonly vault: string | undefined;
}

/** A snapshot of what is injected, as the admin endpoint reports it. */
export interface FaultState {
  readonly latencyMs: readonly ScopedValue<number>[];
  readonly errorRates: readonly ScopedValue<{ rate: number; status: 500 | 503 | 403 }>[];
  readonly dropRates: readonly ScopedValue<number>[];
  readonly offlineVaults: Readonly<Record<string, OfflineMode>>;
  readonly offlineRegions: Readonly<Record<string, OfflineMode>>;
}

const matches = (scope: string | undefined, vault: string): boolean =>
  scope === undefined || scope.toLowerCase() === vault.toLowerCase();

function checkRate(rate: number, what: string): void {
  if (!(rate >= 0 && rate <= 1))
    throw new RangeError(`${what} must be between 0 and 1 (got ${rate})`);
}

/**
 * Fault injection for the data plane. Request-level faults (latency, errors, dropped
 * connections) are read per request; availability faults (vault/region offline) are applied
 * by the emulator through the `onAvailabilityChange` callback.
 */
export class FaultInjector {
  #latency: ScopedValue<number>[] = [];
  #errorRates: ScopedValue<{ rate: number; status: 500 | 503 | 403 }>[] = [];
  #dropRates: ScopedValue<number>[] = [];
  readonly #offlineVaults = new Map<string, OfflineMode>();
  readonly #offlineRegions = new Map<string, OfflineMode>();
  readonly #random: () => number;
  readonly #onAvailabilityChange: () => Promise<void>;

  constructor(options: { random?: () => number; onAvailabilityChange: () => Promise<void> }) {
    this.#random = options.random ?? Math.random;
    this.#onAvailabilityChange = options.onAvailabilityChange;
  }

  /** Adds `ms` of latency to every request (of one vault, if given). 0 removes it. */
  setLatency(ms: number, scope: FaultScope = {}): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0 ms (got ${ms})`);
    this.#latency = this.#latency.filter((f) => f.vault !== scope.vault);
    if (ms > 0) this.#latency.push({ value: ms, vault: scope.vault });
  }

  /** Answers a fraction of requests with 500 (default), 503 or 403. Rate 0 removes it. */
  setErrorRate(fault: ErrorRateFault): void {
    checkRate(fault.rate, 'error rate');
    this.#errorRates = this.#errorRates.filter((f) => f.vault !== fault.vault);
    if (fault.rate > 0)
      this.#errorRates.push({
        value: { rate: fault.rate, status: fault.status ?? 500 },
        vault: fault.vault,
      });
  }

  /** Destroys the connection of a fraction of requests without answering. Rate 0 removes it. */
  setDropRate(rate: number, scope: FaultScope = {}): void {
    checkRate(rate, 'drop rate');
    this.#dropRates = this.#dropRates.filter((f) => f.vault !== scope.vault);
    if (rate > 0) this.#dropRates.push({ value: rate, vault: scope.vault });
  }

  /** Takes a vault's data plane offline: `refuse` (default) = ECONNREFUSED, `reset` = ECONNRESET. */
  async takeVaultOffline(vault: string, mode: OfflineMode = 'refuse'): Promise<void> {
    this.#offlineVaults.set(vault.toLowerCase(), mode);
    await this.#onAvailabilityChange();
  }

  async bringVaultOnline(vault: string): Promise<void> {
    this.#offlineVaults.delete(vault.toLowerCase());
    await this.#onAvailabilityChange();
  }

  /** Takes every vault of a region offline (including vaults created there later). */
  async takeRegionOffline(region: string, mode: OfflineMode = 'refuse'): Promise<void> {
    this.#offlineRegions.set(region.toLowerCase(), mode);
    await this.#onAvailabilityChange();
  }

  async bringRegionOnline(region: string): Promise<void> {
    this.#offlineRegions.delete(region.toLowerCase());
    await this.#onAvailabilityChange();
  }

  /** Removes every fault. */
  async reset(): Promise<void> {
    this.#latency = [];
    this.#errorRates = [];
    this.#dropRates = [];
    this.#offlineVaults.clear();
    this.#offlineRegions.clear();
    await this.#onAvailabilityChange();
  }

  /** How a vault should be served now: online, or offline in some mode (vault beats region). */
  availabilityOf(vault: string, region: string): OfflineMode | 'online' {
    return (
      this.#offlineVaults.get(vault.toLowerCase()) ??
      this.#offlineRegions.get(region.toLowerCase()) ??
      'online'
    );
  }

  latencyFor(vault: string): number {
    return this.#latency
      .filter((f) => matches(f.vault, vault))
      .reduce((sum, f) => sum + f.value, 0);
  }

  /** Draws whether this request fails; returns the status to send, or undefined. */
  drawError(vault: string): 500 | 503 | 403 | undefined {
    for (const fault of this.#errorRates) {
      if (matches(fault.vault, vault) && this.#random() < fault.value.rate)
        return fault.value.status;
    }
    return undefined;
  }

  drawDrop(vault: string): boolean {
    return this.#dropRates.some((f) => matches(f.vault, vault) && this.#random() < f.value);
  }

  state(): FaultState {
    return {
      latencyMs: [...this.#latency],
      errorRates: [...this.#errorRates],
      dropRates: [...this.#dropRates],
      offlineVaults: Object.fromEntries(this.#offlineVaults),
      offlineRegions: Object.fromEntries(this.#offlineRegions),
    };
  }
}
