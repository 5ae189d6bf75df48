import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test webhook received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A loopback webhook for tests: answers Event Grid's handshakes like a real receiver and
 * records everything. `respond` can override the status of notifications (to force retries).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Status for the n-th notification (0-based); default 200; `null` = never answer. */
  respond: (notificationIndex: number) => number | null = () => 200;
  /** Whether to echo validation codes / allowed origin. */
  acceptValidation = true;
  readonly #server: Server;
  #notifications = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        this.#answer(request, res);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (this.notifications().length < waiter.count) return true;
          waiter.resolve();
          return false;
        });
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/events'): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  /** Notification requests (not handshakes). */
  notifications(): ReceivedRequest[] {
    return this.requests.filter(
      (r) => r.method === 'POST' && r.headers['aeg-event-type'] === 'Notification',
    );
  }

  /** Resolves once `count` notifications arrived. */
  waitForNotifications(count: number): Promise<void> {
    if (this.notifications().length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  #answer(request: ReceivedRequest, res: ServerResponse): void {
    if (request.method === 'OPTIONS') {
      if (this.acceptValidation)
        res.setHeader('WebHook-Allowed-Origin', String(request.headers['webhook-request-origin']));
      res.writeHead(200).end();
      return;
    }
    if (request.headers['aeg-event-type'] === 'SubscriptionValidation') {
      const [event] = JSON.parse(request.body) as [{ data: { validationCode: string } }];
      const code = this.acceptValidation ? event.data.validationCode : 'wrong';
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ validationResponse: code }));
      return;
    }
    const status = this.respond(this.#notifications);
    this.#notifications += 1;
    if (status !== null) res.writeHead(status).end();
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
