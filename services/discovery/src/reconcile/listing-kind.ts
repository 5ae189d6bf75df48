import { createHash } from 'node:crypto';
import { withoutProvenance, type FilterableObject, type ObjectKind } from '@akv-replicator/core';
import type { ResolvedVault } from '@akv-replicator/core';

/** What every listed object has, whatever its kind. */
export interface ListedObject {
  readonly name: string;
  /** Unix seconds: the source time provenance names. */
  readonly updated: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What the one diff needs to know about an object kind (issue #19: one pipeline for secrets and
 * certificates): what "the same version" and "the same attributes" mean in a listing, what a
 * filter sees, and how a task names the source state. Pure: no store, no I/O.
 */
export interface ListingRules<Item extends ListedObject> {
  readonly objectKind: Extract<ObjectKind, 'secret' | 'certificate'>;
  /** Plural noun for outcomes and the deletion breaker ("secrets"). */
  readonly noun: 'secrets' | 'certificates';
  /** Objects another pipeline replicates (a certificate's backing secret): never diffed. */
  managed(item: Item): boolean;
  /** The fields a link's filter decides on. */
  filterView(item: Item): FilterableObject;
  /**
   * The replicated version as one string: `updated` is the source time (the item's own for a
   * source, the one its provenance names for a replica), `item` is the object itself.
   */
  versionKey(updated: number, item: Item): string;
  /** The source state a task converges to (part of its idempotency key). */
  revision(source: Item): string;
  /** Replicated attributes except tags (enabled, validity, content type…) as a short string. */
  attributeKey(item: Item): string;
  /**
   * A resync of one named object sends a task only when the source lists an object of this kind
   * by that name (a secret's resync is not a certificate's).
   */
  readonly resyncOnlyWhenListed: boolean;
}

/** A kind's rules plus where its listings come from (the paced store of a vault). */
export interface ListingKind<Item extends ListedObject> extends ListingRules<Item> {
  list(vault: ResolvedVault): AsyncIterable<Item>;
}

/**
 * Tags without our provenance as one short string: equal exactly when both sides hold the same
 * tags (order ignored). Keys are compact so a 50,000-name replica index stays small (issue #21);
 * JSON starts with '[', a base64 digest never does, so the two forms cannot collide.
 */
export function tagKey(tags: Readonly<Record<string, string>>): string {
  const own = withoutProvenance(tags);
  return compactKey(
    Object.keys(own)
      .sort()
      .map((key) => [key, own[key]]),
  );
}

/** A comparison key as JSON, or its digest when longer than 64 characters. */
export function compactKey(parts: unknown[]): string {
  const text = JSON.stringify(parts);
  return text.length <= 64 ? text : createHash('sha256').update(text).digest('base64');
}
