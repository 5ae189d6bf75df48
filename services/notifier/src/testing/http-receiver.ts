import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers one request. */
export interface CannedResponse {
  readonly status: number;
  /** A fixed body, or one computed from the request (e.g. a peer echoing the URL back). */
  readonly body?: string | ((request: ReceivedRequest) => string);
  readonly headers?: Record<string, string>;
}

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for Slack, Teams, Telegram or a
 * webhook receiver. Answers with `responses` in turn (the last one repeats) and records every
 * request so tests can check payload shapes.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  #responses: CannedResponse[];
  readonly #server: Server;
  #waiters: { count: number; resolve: () => void }[] = [];

  private constructor(responses: CannedResponse[]) {
    this.#responses = responses;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        const answer = this.#responses.length > 1 ? this.#responses.shift()! : this.#responses[0]!;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(typeof answer.body === 'function' ? answer.body(request) : (answer.body ?? ''));
        this.#waiters = this.#waiters.filter((waiter) => {
          if (this.requests.length < waiter.count) return true;
          waiter.resolve();
          return false;
        });
      });
    });
  }

  /** Starts a receiver answering `responses` in order (default: 200 "ok"). */
  static async start(
    responses: CannedResponse[] = [{ status: 200, body: 'ok' }],
  ): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(responses);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Replaces the canned answers. */
  respondWith(responses: CannedResponse[]): void {
    this.#responses = responses;
  }

  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** The JSON bodies received, parsed. */
  json<T = Record<string, unknown>>(): T[] {
    return this.requests.map((request) => JSON.parse(request.body) as T);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
