import { withoutProvenance } from '@akv-replicator/core';
import type { SecretAttributes } from './model';

/**
 * Whether two secrets carry the same replicated attributes: enabled, validity, content type
 * and tags (compared without our provenance tag). Used by reconcile's diff and by workers.
 */
export function sameAttributes(a: SecretAttributes, b: SecretAttributes): boolean {
  const ta = withoutProvenance(a.tags);
  const tb = withoutProvenance(b.tags);
  const keys = Object.keys(ta);
  return (
    a.enabled === b.enabled &&
    (a.notBefore ?? null) === (b.notBefore ?? null) &&
    (a.expires ?? null) === (b.expires ?? null) &&
    (a.contentType ?? '') === (b.contentType ?? '') &&
    keys.length === Object.keys(tb).length &&
    keys.every((key) => ta[key] === tb[key])
  );
}
