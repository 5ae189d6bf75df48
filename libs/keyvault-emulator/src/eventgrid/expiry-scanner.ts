import type { Clock } from '../clock';
import type { ObjectAttributes, VersionedRecord } from '../storage/vault-store';
import type { VaultContext, VaultObjectType } from '../vault-context';
import type { EventGridHub } from './event-grid-hub';
import { NEAR_EXPIRY_WINDOW_MS } from './subscription-options';

const COLLECTION: Record<VaultObjectType, 'secrets' | 'certificates' | 'keys'> = {
  Secret: 'secrets',
  Certificate: 'certificates',
  Key: 'keys',
};

/**
 * Publishes `…NearExpiry` (from 30 days before `exp`) and `…Expired` once per current object
 * version. Event Grid gives no finer promise than "around that time", so a periodic scan
 * (driven by the injectable clock) is faithful enough.
 */
export class ExpiryScanner {
  readonly #published = new Set<string>();
  readonly #hub: EventGridHub;
  readonly #clock: Clock;

  constructor(hub: EventGridHub, clock: Clock) {
    this.#hub = hub;
    this.#clock = clock;
  }

  /** Scans every vault once; returns how many events were published. */
  scan(vaults: Iterable<VaultContext>): number {
    const now = this.#clock.now();
    let published = 0;
    for (const vault of vaults) {
      for (const objectType of Object.keys(COLLECTION) as VaultObjectType[]) {
        const family = vault.store[COLLECTION[objectType]];
        for (const name of family.names()) {
          const current = family.versions(name)?.at(-1) as
            (VersionedRecord & { attributes: ObjectAttributes }) | undefined;
          const exp = current?.attributes.expiresMs;
          if (!current || exp === undefined) continue;
          const stage =
            now >= exp ? 'Expired' : now >= exp - NEAR_EXPIRY_WINDOW_MS ? 'NearExpiry' : undefined;
          if (!stage) continue;
          const key = `${vault.name}|${objectType}|${current.version}|${stage}`.toLowerCase();
          if (this.#published.has(key)) continue;
          this.#published.add(key);
          published += 1;
          this.#hub.publish(vault, `Microsoft.KeyVault.${objectType}${stage}`, {
            objectType,
            id: `${vault.origin}/${COLLECTION[objectType]}/${current.name}/${current.version}`,
            name: current.name,
            version: current.version,
            notBeforeMs: current.attributes.notBeforeMs,
            expiresMs: exp,
          });
        }
      }
    }
    return published;
  }
}
