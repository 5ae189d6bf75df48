import type { RequestKind, VaultPacer } from './vault-pacer';

/** Listings come in pages of this many items; each page is one transaction. */
export const LIST_PAGE_SIZE = 25;

/**
 * A listing whose page fetches go through the pacer: the inner iterator fetches a page when
 * its buffer runs dry, so each page-sized step is paced as one read.
 */
export async function* pacedListing<T>(
  pacer: VaultPacer,
  listing: AsyncIterable<T>,
): AsyncGenerator<T, void> {
  const iterator = listing[Symbol.asyncIterator]();
  for (let index = 0; ; index++) {
    const next =
      index % LIST_PAGE_SIZE === 0
        ? await pacer.run('read', () => iterator.next())
        : await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

/** How one store method is paced: a request of a kind, or a listing paced page by page. */
export type Pacing = RequestKind | 'listing';

type Method = (...args: never[]) => unknown;
type MethodName<Store> = {
  [K in keyof Store]: Store[K] extends Method ? K : never;
}[keyof Store] &
  string;

/** Every method of a store port with its pacing: a port's new method must say how it is paced. */
export type PacingPlan<Store> = { readonly [K in MethodName<Store>]: Pacing };

/**
 * Wraps a store port (secrets, certificates) so every request goes through the vault's pacer,
 * as `plan` says: one pacing mechanism for every object kind.
 */
export function pacedStore<Store extends { readonly vaultName: string }>(
  inner: Store,
  pacer: VaultPacer,
  plan: PacingPlan<Store>,
): Store {
  const paced: Record<string, unknown> = {};
  Object.defineProperty(paced, 'vaultName', { get: () => inner.vaultName, enumerable: true });
  for (const [name, pacing] of Object.entries(plan) as [string, Pacing][]) {
    // Looked up per call: the inner store's methods are read when the request is made.
    const call = (args: unknown[]) =>
      (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    paced[name] =
      pacing === 'listing'
        ? (...args: unknown[]) => pacedListing(pacer, call(args) as AsyncIterable<unknown>)
        : (...args: unknown[]) => pacer.run(pacing, () => call(args) as Promise<unknown>);
  }
  return paced as unknown as Store;
}
