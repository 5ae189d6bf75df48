import { readFile } from 'node:fs/promises';
import type { ObjectsReport, StatusReport, StatusUnavailable } from '@akv-replicator/discovery';
import type { CliIo } from '../io';
import { printObjects, printReport } from './status-print';

export interface StatusOptions {
  /** Discovery's status endpoint (`status.*`), e.g. the URL `up --local` prints. */
  readonly url?: string;
  readonly tokenFile?: string;
  readonly tokenEnv: string;
  readonly objects?: boolean;
  readonly search?: string;
  readonly json?: boolean;
  /** The old mode: diff the vaults' listings from here instead of asking discovery. */
  readonly live?: boolean;
  readonly config?: string;
  readonly link?: string;
}

/** Exit codes: all in sync; something not in sync (or still rebuilding); status unreadable. */
export const STATUS_EXIT = { inSync: 0, notInSync: 1, unreadable: 2 } as const;

/**
 * `status`: what discovery's status board says, per link and replica (`--objects`: the objects
 * not in sync). Exit 0 only when everything is in sync and discovery is not rebuilding after a
 * restart. `--live --config FILE` (or `--config` alone) diffs the listings from here instead.
 */
export async function statusCommand(options: StatusOptions, io: CliIo): Promise<number> {
  // `--config` without `--url` is the live mode it always was (scripts and health checks use it).
  if (options.live || (options.config && !options.url)) {
    if (!options.config) {
      io.err('status --live needs --config <file>');
      return STATUS_EXIT.unreadable;
    }
    const { liveStatusCommand } = await import('./status-live');
    return liveStatusCommand(
      {
        config: options.config,
        ...(options.link ? { link: options.link } : {}),
        ...(options.json ? { json: true } : {}),
      },
      io,
    );
  }
  const url = options.url ?? io.env.AKV_REPLICATOR_STATUS_URL;
  if (!url) {
    io.err(
      'status: give --url (discovery status endpoint) or AKV_REPLICATOR_STATUS_URL, or --live',
    );
    return STATUS_EXIT.unreadable;
  }
  try {
    const token = await readToken(options, io);
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(new URL(path, url), {
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
      if (response.status === 401)
        throw new Error(`${url} refused the token (401): check --token-file / ${options.tokenEnv}`);
      if (!response.ok)
        throw new Error(
          `${new URL(path, url)} answered ${response.status}${await unavailableReason(response)}`,
        );
      return (await response.json()) as T;
    };
    // The objects first, then the summary: the board moves between the two requests, and read
    // the other way round an object that went out of sync in between was listed under a summary
    // (and an exit code 0) saying all is in sync (seen in a loaded run).
    const objects = options.objects
      ? await get<ObjectsReport>(
          `/status/objects${options.search ? `?q=${encodeURIComponent(options.search)}` : ''}`,
        )
      : undefined;
    const report = await get<StatusReport>('/status');
    if (options.json) io.out(JSON.stringify(objects ? { ...report, objects } : report));
    else {
      printReport(report, io);
      if (objects) printObjects(objects, io);
    }
    return report.inSync ? STATUS_EXIT.inSync : STATUS_EXIT.notInSync;
  } catch (error) {
    io.err(`status: ${(error as Error).message}`);
    return STATUS_EXIT.unreadable;
  }
}

async function readToken(options: StatusOptions, io: CliIo): Promise<string | undefined> {
  if (options.tokenFile) return (await readFile(options.tokenFile, 'utf8')).trim();
  return io.env[options.tokenEnv] || undefined;
}

/**
 * Why a follower discovery instance could not show the leader's board (its 503 body), so the
 * operator reads "the leader … did not answer at …" instead of a bare status code. Any other
 * body adds nothing: it may be a proxy's HTML page.
 */
async function unavailableReason(response: Response): Promise<string> {
  if (response.status !== 503) return '';
  let body: Partial<StatusUnavailable>;
  try {
    body = (await response.json()) as Partial<StatusUnavailable>;
  } catch {
    return '';
  }
  if (typeof body?.error !== 'string') return '';
  // Retry-After is seconds or an HTTP date (RFC 9110, 10.2.3); discovery sends seconds.
  const retry = response.headers.get('retry-after')?.trim();
  const when = !retry
    ? ''
    : /^\d+$/.test(retry)
      ? ` (retry after ${retry} s)`
      : ` (retry after ${retry})`;
  return `: ${body.error}${when}`;
}
