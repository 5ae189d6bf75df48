import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** User-Agent prefix of the test's own SDK clients, whose writes are not counted. */
export const TEST_CLIENT_USER_AGENT = 'akvr-e2e-test-client';

/**
 * Counts the HTTPS write requests (anything but GET and HEAD) this process sends — ARM and Key
 * Vault data plane alike, through any SDK client — except the test's own (marked by their
 * User-Agent). Node publishes every outgoing request on `http.client.request.start`.
 */
export class WriteCounter {
  readonly writes: string[] = [];
  private readonly listener = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.protocol !== 'https:' || ['GET', 'HEAD'].includes(request.method)) return;
    if (String(request.getHeader('user-agent') ?? '').includes(TEST_CLIENT_USER_AGENT)) return;
    this.writes.push(`${request.method} ${request.host}${request.path}`);
  };

  constructor() {
    subscribe('http.client.request.start', this.listener);
  }

  stop(): void {
    unsubscribe('http.client.request.start', this.listener);
  }
}
