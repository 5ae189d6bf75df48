import type { ObjectKind } from '@akv-replicator/core';
import type { ObjectsReport } from '@akv-replicator/discovery';

/** Where discovery's status endpoint answers (issue #20) and the bearer token it wants. */
export interface StatusBoardAccess {
  readonly url: string;
  readonly token?: string;
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** A gap the last status knew of: the board's state for one object of this direction. */
export interface BoardGap {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly state: string;
  readonly since?: string;
}

/** Objects `GET /status/objects` returns at most (the endpoint's own cap). */
const OBJECTS_LIMIT = 500;

/**
 * With the source down, the last status is the best account of what the replica lacks: the
 * board holds each object's state from the last listings and the outcomes since. Objects of the
 * `kinds` of the `source → replica` direction that are not in sync, except deletions still due
 * at the replica (nothing is lost by those). Throws when the board does not answer or refuses
 * the token.
 */
export async function gapsFromStatusBoard(
  access: StatusBoardAccess,
  source: string,
  replica: string,
  kinds: readonly ObjectKind[],
): Promise<{ gaps: BoardGap[]; truncated: boolean }> {
  const url = new URL('status/objects', access.url.endsWith('/') ? access.url : `${access.url}/`);
  url.searchParams.set('q', replica);
  url.searchParams.set('limit', String(OBJECTS_LIMIT));
  const response = await (access.fetch ?? fetch)(url, {
    headers: access.token ? { authorization: `Bearer ${access.token}` } : {},
  });
  if (!response.ok) throw new Error(`status board answered ${response.status} at ${url.origin}`);
  const report = (await response.json()) as ObjectsReport;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const gaps = report.objects
    .filter(
      (o) =>
        kinds.includes(o.kind) &&
        same(o.sourceVault, source) &&
        same(o.replicaVault, replica) &&
        o.state !== 'deleted-at-source',
    )
    .map((o) => ({
      kind: o.kind,
      name: o.name,
      state: o.state,
      ...(o.driftSince ? { since: o.driftSince } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { gaps, truncated: report.total > report.objects.length };
}
