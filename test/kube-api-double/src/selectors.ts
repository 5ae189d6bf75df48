import type { KubeObject } from './status';

type Requirement = (object: KubeObject) => boolean;

/**
 * Field selectors as the API server reads them for Secrets: comma-separated `key=value`,
 * `key==value` or `key!=value` over `metadata.name`, `metadata.namespace` and `type`.
 * Unknown fields are refused the way the server refuses them (a 400).
 */
export function parseFieldSelector(selector: string | null): Requirement {
  const requirements = splitTerms(selector).map((term) => {
    const match = /^([\w.]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (!match) throw new SelectorError(`invalid field selector term "${term}"`);
    const [, field, op, value] = match as unknown as [string, string, string, string];
    const read = FIELDS[field];
    if (!read) throw new SelectorError(`field label not supported: ${field}`);
    return (object: KubeObject) => (read(object) === value) === (op !== '!=');
  });
  return (object) => requirements.every((r) => r(object));
}

/** Equality-based label selectors: `k=v`, `k==v`, `k!=v`, `k` and `!k`. */
export function parseLabelSelector(selector: string | null): Requirement {
  const requirements = splitTerms(selector).map((term): Requirement => {
    const labels = (o: KubeObject) => o.metadata.labels ?? {};
    const match = /^([\w./-]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (match) {
      const [, key, op, value] = match as unknown as [string, string, string, string];
      return (o) => (labels(o)[key] === value) === (op !== '!=');
    }
    if (/^![\w./-]+$/.test(term)) return (o) => !(term.slice(1) in labels(o));
    if (/^[\w./-]+$/.test(term)) return (o) => term in labels(o);
    throw new SelectorError(`unable to parse requirement: "${term}"`);
  });
  return (object) => requirements.every((r) => r(object));
}

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

const FIELDS: Record<string, (o: KubeObject) => unknown> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
  type: (o) => o.type,
};

function splitTerms(selector: string | null): string[] {
  return (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
