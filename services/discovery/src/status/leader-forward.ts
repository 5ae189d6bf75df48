import { advertisedAddress } from '@akv-replicator/leases';
import { SESSION_COOKIE } from './status-auth';

/** What the status endpoint knows of discovery's election (absent with `kind: none`). */
export interface StatusLeadership {
  readonly isLeader: boolean;
  /** The leader's identity as last seen (`<pod>-<suffix>@<host:port>`), undefined when unknown. */
  readonly leader: string | undefined;
}

/** Marks a request one follower forwarded: it is never forwarded again (no loop in a handover). */
export const FORWARDED_HEADER = 'x-akv-replicator-forwarded';
/** Names the discovery instance whose board an answer shows. */
export const BOARD_OF_HEADER = 'x-akv-replicator-board-of';
/** A leader that does not answer within this is reported unreachable (the page refreshes anyway). */
export const DEFAULT_LEADER_FORWARD_TIMEOUT_MS = 5_000;

export type LeaderAnswer =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly contentType: string;
      readonly body: string;
      readonly leader: string;
    }
  | { readonly kind: 'unavailable'; readonly message: string; readonly leader?: string };

/**
 * A follower's answer to a status read: the leader's own answer to the same path, since only
 * the leader's board is fed (it alone lists and plans, and follows the outcomes). Behind a
 * load-balanced Service any instance then shows the same board. The follower signs in with the
 * session cookie derived from the shared token, never the token itself: the address comes from
 * the lease, and whoever can write the lease must not collect a token used elsewhere.
 */
export async function askLeader(
  pathAndQuery: string,
  leadership: StatusLeadership,
  options: {
    /** The session the leader's StatusAuth derives from the same `status.token`. */
    readonly session?: string;
    readonly timeoutMs?: number;
    readonly forwarded: boolean;
  },
): Promise<LeaderAnswer> {
  const { leader } = leadership;
  if (options.forwarded)
    return unavailable(
      leader,
      'this discovery instance follows too (leadership moved while the request was forwarded); retry',
    );
  if (leader === undefined)
    return unavailable(
      undefined,
      'this discovery instance follows and knows no leader yet (an election is under way); retry after discovery.leaderElection.renewSeconds',
    );
  const address = advertisedAddress(leader);
  if (address === undefined)
    return unavailable(
      leader,
      `this discovery instance follows; the leader ${leader} advertises no status address (status disabled there?)`,
    );
  try {
    const response = await fetch(`http://${address}${pathAndQuery}`, {
      headers: {
        accept: 'application/json',
        [FORWARDED_HEADER]: '1',
        ...(options.session !== undefined
          ? { cookie: `${SESSION_COOKIE}=${options.session}` }
          : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_LEADER_FORWARD_TIMEOUT_MS),
    });
    return {
      kind: 'answered',
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/json',
      body: await response.text(),
      leader,
    };
  } catch (error) {
    // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a timeout) as its cause.
    const failure = error as Error & { cause?: Error };
    return unavailable(
      leader,
      `this discovery instance follows; the leader ${leader} did not answer at http://${address}: ${failure.cause?.message ?? failure.message}`,
    );
  }
}

function unavailable(leader: string | undefined, message: string): LeaderAnswer {
  return { kind: 'unavailable', message, ...(leader !== undefined ? { leader } : {}) };
}
