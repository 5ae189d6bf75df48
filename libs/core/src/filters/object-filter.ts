import picomatch from 'picomatch';

/** One side of a filter: an object matches when it matches any entry of any given dimension. */
export interface FilterCriteria {
  /** Glob patterns over object names (`db-*`, `*-tmp`), case-insensitive like Key Vault names. */
  readonly names?: readonly string[];
  /** Exact content types, e.g. `application/x-pkcs12`; `""` matches objects without one. */
  readonly contentTypes?: readonly string[];
  /** Tag conditions: `{ env: 'prod' }` needs that value; `{ env: '*' }` needs the tag at all. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ObjectFilters {
  /** When given, an object must match it to be replicated. */
  readonly include?: FilterCriteria;
  /** An object matching this is never replicated, even when included. */
  readonly exclude?: FilterCriteria;
}

/** What filters look at: what a listing returns, never the value. */
export interface FilterableObject {
  readonly name: string;
  readonly contentType?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

export type FilterDecision = { replicate: true } | { replicate: false; reason: string };

/** A filter compiled once per link; `decide` runs per object on the hot reconcile path. */
export interface CompiledFilter {
  decide(object: FilterableObject): FilterDecision;
}

export function compileFilter(filters: ObjectFilters | undefined): CompiledFilter {
  const include = filters?.include ? compileCriteria(filters.include) : undefined;
  const exclude = filters?.exclude ? compileCriteria(filters.exclude) : undefined;
  return {
    decide(object) {
      if (include) {
        const miss = include.firstMiss(object);
        if (miss) return { replicate: false, reason: `not included: ${miss}` };
      }
      const hit = exclude?.firstHit(object);
      if (hit) return { replicate: false, reason: `excluded: ${hit}` };
      return { replicate: true };
    },
  };
}

interface CompiledCriteria {
  /** For include: the first dimension the object fails, or undefined when it passes all. */
  firstMiss(object: FilterableObject): string | undefined;
  /** For exclude: the first rule the object matches, or undefined. */
  firstHit(object: FilterableObject): string | undefined;
}

function compileCriteria(criteria: FilterCriteria): CompiledCriteria {
  const names = (criteria.names ?? []).map((pattern) => ({
    pattern,
    test: picomatch(pattern, { nocase: true, dot: true }),
  }));
  const contentTypes = criteria.contentTypes ?? [];
  const tags = Object.entries(criteria.tags ?? {});

  const nameHit = (o: FilterableObject) => names.find((n) => n.test(o.name))?.pattern;
  const contentTypeHit = (o: FilterableObject) =>
    contentTypes.find((ct) => ct.toLowerCase() === (o.contentType ?? '').toLowerCase());
  const tagHit = (o: FilterableObject) =>
    tags.find(
      ([key, want]) => o.tags?.[key] !== undefined && (want === '*' || o.tags[key] === want),
    );

  return {
    firstMiss(o) {
      if (names.length > 0 && nameHit(o) === undefined)
        return `name matches none of ${names.map((n) => n.pattern).join(', ')}`;
      if (contentTypes.length > 0 && contentTypeHit(o) === undefined)
        return `contentType not in ${contentTypes.join(', ')}`;
      if (tags.length > 0 && tagHit(o) === undefined)
        return `no tag matches ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`;
      return undefined;
    },
    firstHit(o) {
      const name = nameHit(o);
      if (name !== undefined) return `name matches ${name}`;
      const contentType = contentTypeHit(o);
      if (contentType !== undefined) return `contentType ${contentType || '(none)'}`;
      const tag = tagHit(o);
      if (tag !== undefined) return `tag ${tag[0]}=${tag[1]}`;
      return undefined;
    },
  };
}
