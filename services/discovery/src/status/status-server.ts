import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, isLoopbackHost, silentLogger, type Logger } from '@akv-replicator/core';
import type { ExpectedReplica } from './board-state';
import { StatusAuth } from './status-auth';
import {
  askLeader,
  BOARD_OF_HEADER,
  FORWARDED_HEADER,
  type StatusLeadership,
} from './leader-forward';
import type { StatusBoard } from './status-board';
import { OBJECT_STATES, type ObjectState, type StatusUnavailable } from './status-model';
import { STATUS_PAGE_CSS, statusPageHtml, unauthorizedPageHtml } from './status-page';
import { STATUS_PAGE_SCRIPT } from './status-page-script';

export interface StatusServerOptions {
  readonly board: StatusBoard;
  /** The (link, replica)s of the current topology (discovery's resolver, cached). */
  readonly expected: () => Promise<readonly ExpectedReplica[]>;
  /** `status.token`, resolved. */
  readonly token?: string;
  /** `status.allowUnauthenticated`: only with `host` on loopback. */
  readonly allowUnauthenticated?: boolean;
  readonly host: string;
  readonly logger?: Logger;
  /**
   * Discovery's election, with one configured: a follower answers status reads with the
   * leader's board (asked over HTTP), or 503 saying who leads and why it cannot be asked.
   */
  readonly leadership?: StatusLeadership;
  /** How long a follower waits for the leader's answer (default 5 s). */
  readonly leaderTimeoutMs?: number;
}

// The page loads nothing from elsewhere: script and style are its own, fetches go to itself.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Discovery's read-only status endpoint (issue #20): `GET /status`, `GET /status/objects`, and
 * the page at `/`. Read-only: nothing here changes the board or the topology. Refuses to start
 * without a token unless told to serve on loopback without one.
 */
export class StatusServer {
  readonly server: Server;
  private readonly auth: StatusAuth;
  private readonly log: Logger;

  constructor(private readonly options: StatusServerOptions) {
    if (options.token === undefined && !options.allowUnauthenticated)
      throw new ConfigError([
        { path: 'status.token', message: 'the status endpoint needs a bearer token' },
      ]);
    if (options.token === undefined && !isLoopbackHost(options.host))
      throw new ConfigError([
        {
          path: 'status.allowUnauthenticated',
          message: `only on loopback (127.0.0.1, ::1, localhost), not ${options.host}`,
        },
      ]);
    this.auth = new StatusAuth(options.token);
    this.log = options.logger ?? silentLogger;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log.warn('status request failed', { error: (error as Error).message });
        if (!response.headersSent) send(response, 500, 'text/plain', 'status unavailable');
        else response.destroy();
      });
    });
  }

  /** Listens; resolves with the base URL (port 0 picks a free port). */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://status.invalid');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain', 'read-only: GET only', { allow: 'GET, HEAD' });
    // An open listener answers only to loopback names, so a web page elsewhere cannot read it
    // through a DNS name rebound to 127.0.0.1.
    if (this.auth.open && !isLoopbackHost((request.headers.host ?? '').replace(/:\d+$/, '')))
      return send(response, 403, 'text/plain', 'unauthenticated status answers loopback only');
    if (url.pathname === '/status.js')
      return send(response, 200, 'text/javascript; charset=utf-8', STATUS_PAGE_SCRIPT);
    if (url.pathname === '/status.css')
      return send(response, 200, 'text/css; charset=utf-8', STATUS_PAGE_CSS);
    const offered = url.pathname === '/' ? url.searchParams.get('token') : null;
    if (offered !== null && this.auth.accepts(offered))
      // The token leaves the address bar: the page continues on its session cookie.
      return send(response, 303, 'text/plain', 'signed in', {
        location: '/',
        'set-cookie': this.auth.sessionCookie(),
      });
    if (!this.auth.authorized(request)) {
      const page = url.pathname === '/';
      return send(
        response,
        401,
        page ? 'text/html; charset=utf-8' : 'application/json',
        page ? unauthorizedPageHtml() : JSON.stringify({ error: 'unauthorized' }),
        { 'www-authenticate': 'Bearer realm="akv-replicator status"' },
      );
    }
    if (url.pathname === '/')
      return send(response, 200, 'text/html; charset=utf-8', statusPageHtml());
    const { leadership } = this.options;
    if (leadership && !leadership.isLeader && url.pathname.startsWith('/status'))
      return this.answerAsFollower(request, response, `${url.pathname}${url.search}`, leadership);
    const boardOf: Record<string, string> =
      leadership?.leader !== undefined ? { [BOARD_OF_HEADER]: leadership.leader } : {};
    if (url.pathname === '/status') {
      const report = this.options.board.report(await this.options.expected());
      return send(response, 200, 'application/json', JSON.stringify(report), boardOf);
    }
    if (url.pathname === '/status/objects') {
      const state = url.searchParams.get('state') || undefined;
      if (state !== undefined && !OBJECT_STATES.includes(state as ObjectState))
        return send(
          response,
          400,
          'application/json',
          JSON.stringify({ error: `state must be one of ${OBJECT_STATES.join(', ')}` }),
        );
      const limit = Number(url.searchParams.get('limit') ?? '');
      const q = url.searchParams.get('q') ?? undefined;
      const report = this.options.board.objects({
        ...(state ? { state: state as ObjectState } : {}),
        ...(q ? { q } : {}),
        ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
      });
      return send(response, 200, 'application/json', JSON.stringify(report), boardOf);
    }
    return send(response, 404, 'application/json', JSON.stringify({ error: 'not found' }));
  }

  /** Only the leader's board is fed: a follower shows that one, or says why it cannot. */
  private async answerAsFollower(
    request: IncomingMessage,
    response: ServerResponse,
    pathAndQuery: string,
    leadership: StatusLeadership,
  ): Promise<void> {
    const answer = await askLeader(pathAndQuery, leadership, {
      ...(this.auth.session !== undefined ? { session: this.auth.session } : {}),
      ...(this.options.leaderTimeoutMs ? { timeoutMs: this.options.leaderTimeoutMs } : {}),
      forwarded: request.headers[FORWARDED_HEADER] !== undefined,
    });
    if (answer.kind === 'answered')
      return send(response, answer.status, answer.contentType, answer.body, {
        [BOARD_OF_HEADER]: answer.leader,
      });
    this.log.warn("status: cannot show the leader's board", { reason: answer.message });
    return send(
      response,
      503,
      'application/json',
      JSON.stringify({
        error: answer.message,
        role: 'follower',
        leader: answer.leader ?? null,
      } satisfies StatusUnavailable),
      { 'retry-after': '5' },
    );
  }
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
